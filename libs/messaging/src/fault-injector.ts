import { Inject, Injectable, Logger } from '@nestjs/common';
import { MESSAGING_OPTIONS, type ResolvedMessagingOptions } from './messaging.options.js';

/** Kills the process without any cleanup, the way a power cut or an OOM kill would. */
export const PROCESS_KILLER = Symbol('PROCESS_KILLER');
export type ProcessKiller = () => void;
export const killProcess: ProcessKiller = () => process.kill(process.pid, 'SIGKILL');

/** Crash points for recovery tests; all off unless `faultInjection` names one. */
@Injectable()
export class FaultInjector {
  private readonly logger = new Logger(FaultInjector.name);

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
    @Inject(PROCESS_KILLER) private readonly kill: ProcessKiller,
  ) {}

  /** After a handler's transaction committed, before its outbox row is published or acked. */
  afterHandlerCommit(messageId: string): void {
    if (this.options.faultInjection !== 'crash-before-outbox-publish') return;
    this.logger.error(`Fault injection: crashing after committing ${messageId}`);
    this.kill();
  }
}
