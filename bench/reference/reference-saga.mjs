// Runs the reference saga for the bench: a fresh database, the four processes, levels on demand.
import { fork } from 'node:child_process';
import { clearTimeout, setTimeout } from 'node:timers';
import { withTimeout } from '../closed-loop.mjs';
import { connectBroker } from '../infrastructure.mjs';
import { prepareDatabase } from './database.mjs';
import { commandQueue, QUEUE_OPTIONS, replyQueue, ROLES } from './settings.mjs';

const here = (file) => new URL(file, import.meta.url).pathname;

export class ReferenceSaga {
  /** Starts the participants and the orchestrator; resolves once all four are ready. */
  static async start(namespace) {
    await prepareDatabase();
    await declareQueues(namespace);
    const processes = {
      orchestrator: fork(here('./orchestrator.mjs'), [namespace]),
      ...Object.fromEntries(
        ROLES.map((role) => [role, fork(here('./participant.mjs'), [role, namespace])]),
      ),
    };
    const saga = new ReferenceSaga(namespace, processes);
    try {
      await withTimeout(
        Promise.all(Object.values(processes).map((child) => saga.readyOf(child))),
        30_000,
        'the reference saga start',
      );
    } catch (error) {
      await saga.stop();
      throw error;
    }
    return saga;
  }

  constructor(namespace, processes) {
    this.namespace = namespace;
    this.processes = processes;
  }

  readyOf(child) {
    return new Promise((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) => reject(new Error(`a reference process exited ${code}`)));
    });
  }

  get pids() {
    return Object.fromEntries(
      Object.entries(this.processes).map(([name, child]) => [name, child.pid]),
    );
  }

  /** The closed loop of `measureLevel`, run inside the orchestrator process. */
  drive({ concurrency, stopAt }) {
    const orchestrator = this.processes.orchestrator;
    return new Promise((resolve, reject) => {
      const exited = (code) => reject(new Error(`the reference orchestrator exited ${code}`));
      orchestrator.once('exit', exited);
      orchestrator.once('message', ({ samples }) => {
        orchestrator.off('exit', exited);
        resolve(samples);
      });
      orchestrator.send({ run: { concurrency, stopAt } });
    });
  }

  async stop() {
    await Promise.all(
      Object.values(this.processes).map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }),
    );
    const broker = await connectBroker();
    try {
      const channel = await broker.createChannel();
      for (const role of ROLES) await channel.deleteQueue(commandQueue(this.namespace, role));
      await channel.deleteQueue(replyQueue(this.namespace));
    } finally {
      await broker.close();
    }
  }
}

/**
 * Declares every queue once, before the processes that share them start. A quorum queue's
 * declaration can answer another declarer of the same queue while its first declarer is still
 * starting the queue; a consumer that then attaches at once meets no queue process, and RabbitMQ
 * (3.10) closes its connection with INTERNAL_ERROR. Declared here first, each queue is running
 * when the processes declare it again.
 */
async function declareQueues(namespace) {
  const broker = await connectBroker();
  try {
    const channel = await broker.createChannel();
    for (const role of ROLES) {
      await channel.assertQueue(commandQueue(namespace, role), QUEUE_OPTIONS);
    }
    await channel.assertQueue(replyQueue(namespace), QUEUE_OPTIONS);
  } finally {
    await broker.close();
  }
}
