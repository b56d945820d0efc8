// One level of load: a warm-up, then a measured window, with `level` sagas in flight throughout.
// Figures come from three places: the system's own rows (completed sagas and their latency), the
// driver's clock (latency as a client sees it) and /proc (CPU and memory of each process).
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { epochNow } from './closed-loop.mjs';
import { CpuMeter, RssSampler } from './process-stats.mjs';
import { countBy, percentiles, round } from './stats.mjs';

/**
 * @param drive `({ concurrency, stopAt }) => samples`: runs the closed loop until `stopAt`
 *   and lets the sagas in flight end; a sample is `{ startedAt, acceptedAt?, endedAt, status?,
 *   path?, error? }` (epoch ms).
 * @param cpuGroups name → `() => pids` (see CpuMeter).
 * @param rssPids name → pid, for peak resident memory.
 * @param ended `(from, to) => [{ status, latencyMs }]`: the server's view of the window.
 * @param walBytes `() => bytes`: PostgreSQL's write-ahead log written so far, read at both ends
 *   of the window.
 * @param transactions `() => count`: transactions the database has ended so far, likewise.
 */
export async function measureLevel({
  level,
  warmupMs,
  durationMs,
  drive,
  cpuGroups,
  rssPids = {},
  ended,
  walBytes,
  transactions,
}) {
  const from = epochNow() + warmupMs;
  const to = from + durationMs;
  const watching = (async () => {
    await sleep(from - epochNow());
    const meter = await new CpuMeter(cpuGroups).start();
    const rss = new RssSampler(rssPids);
    const walFrom = await walBytes?.();
    const transactionsFrom = await transactions?.();
    await sleep(to - epochNow());
    const wal = walFrom === undefined ? undefined : (await walBytes()) - walFrom;
    const transactionCount =
      transactionsFrom === undefined ? undefined : (await transactions()) - transactionsFrom;
    return {
      cpu: await meter.stop(),
      peakRssMb: rss.stop(),
      loadAverage1m: loadavg()[0],
      wal,
      transactionCount,
    };
  })();
  const samples = await drive({ concurrency: level, stopAt: to });
  const { cpu, peakRssMb, loadAverage1m, wal, transactionCount } = await watching;
  const rows = ended ? await ended(from, to) : undefined;
  return summarise({
    level,
    warmupMs,
    durationMs,
    from,
    to,
    samples,
    rows,
    cpu,
    peakRssMb,
    loadAverage1m,
    wal,
    transactionCount,
  });
}

function summarise({
  level,
  warmupMs,
  durationMs,
  from,
  to,
  samples,
  rows,
  cpu,
  peakRssMb,
  loadAverage1m,
  wal,
  transactionCount,
}) {
  const inWindow = (at) => at !== undefined && at >= from && at < to;
  const done = samples.filter((s) => !s.error && inWindow(s.endedAt));
  const accepted = samples.filter((s) => inWindow(s.acceptedAt));
  const errors = samples.filter((s) => s.error);
  const seconds = durationMs / 1000;
  // Without rows of its own (the micro-benchmarks), the client's count is the figure.
  const completed = rows ? rows.length : done.length;
  // Null when nothing completed, or when the value itself is unknown (null).
  const roundedPerSaga = (value, digits) =>
    completed > 0 && value !== null ? round(value / completed, digits) : null;
  const mapValues = (object, f) =>
    Object.fromEntries(Object.entries(object).map(([key, value]) => [key, f(value)]));
  return {
    level,
    warmupMs,
    durationMs,
    completed,
    perSecond: round(completed / seconds, 1),
    statuses: rows ? countBy(rows.map((row) => row.status)) : undefined,
    latencyMs: {
      server: rows ? percentiles(rows.map((row) => row.latencyMs)) : undefined,
      client: percentiles(done.map((s) => s.endedAt - s.startedAt)),
      // Only where a request starts the saga (not the reference, which starts its own).
      accepted: samples.some((s) => s.acceptedAt !== undefined)
        ? percentiles(accepted.map((s) => s.acceptedAt - s.startedAt))
        : undefined,
    },
    clientCompleted: done.length,
    // Warm-up and drain included: a smoke run too short for its window still shows work done.
    succeeded: samples.length - errors.length,
    // Event streams that ended before the event of the saga's terminal status (gateway driver).
    streamsEndedEarly: samples.filter((s) => s.streamEndedEarly).length,
    errors: errors.length,
    firstError: errors[0]?.error,
    byPath: byPath(samples),
    cpuSecondsPerSaga: mapValues(cpu.groups, (used) => roundedPerSaga(used, 5)),
    cpuCores: mapValues(cpu.groups, (used) => round(used / cpu.seconds, 3)),
    walKbPerSaga:
      wal === undefined || completed === 0 ? undefined : round(wal / 1024 / completed, 1),
    // Counts, not times: they hold still when the machine's speed drifts between runs.
    syscallsPerSaga: mapValues(cpu.syscalls, (calls) => roundedPerSaga(calls, 1)),
    transactionsPerSaga:
      transactionCount === undefined || completed === 0
        ? undefined
        : round(transactionCount / completed, 1),
    machine: {
      busyCores: round(cpu.machine.busyCores, 2),
      stealCores: round(cpu.machine.stealCores, 2),
      loadAverage1m: round(loadAverage1m, 2),
    },
    peakRssMb: mapValues(peakRssMb, (mb) => round(mb, 1)),
  };
}

/** For mixed runs: how each path's sagas ended, as the client saw them. */
function byPath(samples) {
  const paths = [...new Set(samples.map((s) => s.path).filter(Boolean))];
  if (paths.length < 2) return undefined;
  return Object.fromEntries(
    paths.map((path) => [
      path,
      countBy(samples.filter((s) => s.path === path).map((s) => s.status ?? 'error')),
    ]),
  );
}
