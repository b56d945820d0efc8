// What the processes under test cost, read from /proc (Linux): CPU time (utime + stime), system
// calls that read or write, and memory, per process, plus how busy the whole machine was (other
// work on it shows there).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { clearInterval, setInterval } from 'node:timers';

const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** CPU seconds a process has used so far, or undefined when it is gone. */
export function cpuSecondsOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces: fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/**
 * Read and write system calls a process has made so far (/proc/<pid>/io `syscr` + `syscw`: read,
 * write and their vector forms, on sockets and files alike; not send/recv, which PostgreSQL uses
 * for its sockets), or undefined when it is gone. Unlike CPU time, a count that a busy or slow
 * machine does not change: two builds compare on it across runs.
 */
export function syscallsOf(pid) {
  try {
    const io = readFileSync(`/proc/${pid}/io`, 'utf8');
    const count = (field) => Number(new RegExp(`^${field}: (\\d+)$`, 'm').exec(io)?.[1] ?? 0);
    return count('syscr') + count('syscw');
  } catch {
    return undefined;
  }
}

/**
 * Times a process's main thread (a Node app's event loop) has gone to sleep so far
 * (/proc/<pid>/status `voluntary_ctxt_switches`): each is a wake-up later, by I/O or a timer. Or
 * undefined when it is gone.
 */
export function wakeupsOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/^voluntary_ctxt_switches:\s+(\d+)$/m.exec(status)?.[1] ?? 0);
  } catch {
    return undefined;
  }
}

/** Resident memory now (VmRSS) and at its peak since start (VmHWM), in MB. */
export function memoryOf(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/** Every process whose command name is `name` (e.g. RabbitMQ's `beam.smp`). */
export function pidsNamed(name) {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === name) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

/** Clock ticks the whole machine spent busy, idle and stolen since boot (/proc/stat). */
function machineTicks() {
  const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
    .split('\n')[0]
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return { busy: user + nice + system + irq + softirq, idle: idle + iowait, steal: steal ?? 0 };
}

/**
 * CPU and read/write system calls used by groups of processes over a window. `groups` maps a name
 * to a function giving the group's pids at that moment (a database's backends come and go); a pid
 * first seen at the end counts whole, since it started inside the window.
 */
export class CpuMeter {
  constructor(groups) {
    this.groups = groups;
  }

  async start() {
    this.before = await this.read();
    return this;
  }

  /**
   * CPU seconds and system calls per group (null where a process's calls could not be read), and
   * the machine's busy and stolen cores, over the window.
   */
  async stop() {
    const after = await this.read();
    const seconds = (after.at - this.before.at) / 1000;
    const groups = {};
    const syscalls = {};
    for (const [name, pids] of Object.entries(after.groups)) {
      let used = 0;
      let calls = 0;
      for (const [pid, { cpu, io }] of pids) {
        const before = this.before.groups[name]?.get(pid);
        used += cpu - (before?.cpu ?? 0);
        // Another user's process (PostgreSQL's, RabbitMQ's) is readable only with CAP_SYS_PTRACE,
        // which a CI sandbox may not grant: then the group's count is unknown, not a partial sum.
        calls = io === undefined || calls === null ? null : calls + io - (before?.io ?? 0);
      }
      groups[name] = used;
      syscalls[name] = calls;
    }
    const ticks = (key) => (after.machine[key] - this.before.machine[key]) / TICKS_PER_SECOND;
    return {
      seconds,
      groups,
      syscalls,
      machine: { busyCores: ticks('busy') / seconds, stealCores: ticks('steal') / seconds },
    };
  }

  async read() {
    const groups = {};
    for (const [name, pidsOf] of Object.entries(this.groups)) {
      const pids = new Map();
      for (const pid of await pidsOf()) {
        const cpu = cpuSecondsOf(pid);
        if (cpu !== undefined) pids.set(pid, { cpu, io: syscallsOf(pid) });
      }
      groups[name] = pids;
    }
    return { at: Date.now(), machine: machineTicks(), groups };
  }
}

/** Samples each named process's resident memory while running and keeps the peak, in MB. */
export class RssSampler {
  constructor(pids, intervalMs = 250) {
    this.pids = pids;
    this.peaks = {};
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.sample();
  }

  sample() {
    for (const [name, pid] of Object.entries(this.pids)) {
      const memory = memoryOf(pid);
      if (memory) this.peaks[name] = Math.max(this.peaks[name] ?? 0, memory.rssMb);
    }
  }

  stop() {
    clearInterval(this.timer);
    this.sample();
    return this.peaks;
  }
}
