import { Inject, Injectable, Logger } from '@nestjs/common';
import type { MessageDefinition } from '@app/contracts';
import { DomainError } from './domain.error.js';
import type { Envelope } from './envelope.js';
import { MESSAGING_OPTIONS, type ResolvedMessagingOptions } from './messaging.options.js';

/** Kills the process without any cleanup, the way a power cut or an OOM kill would. */
export const PROCESS_KILLER = Symbol('PROCESS_KILLER');
export type ProcessKiller = () => void;
export const killProcess: ProcessKiller = () => process.kill(process.pid, 'SIGKILL');

/** Crash points and lost messages for recovery tests; all off unless `faultInjection` names one. */
@Injectable()
export class FaultInjector {
  private readonly logger = new Logger(FaultInjector.name);
  private readonly lostReplies = new Set<string>();

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions,
    @Inject(PROCESS_KILLER) private readonly kill: ProcessKiller,
  ) {}

  /** After a transaction that wrote outbox rows committed, before they are published. */
  afterHandlerCommit(messageId: string): void {
    if (this.options.faultInjection !== 'crash-before-outbox-publish') return;
    this.logger.error(`Fault injection: crashing after committing ${messageId}`);
    this.kill();
  }

  /**
   * Why a delivery is dead-lettered instead of handled, if it is: the first delivery of every
   * reply, as if the receiver's database had refused it for good.
   */
  deadLetterReason({ messageId }: Envelope, definition: MessageDefinition): string | undefined {
    if (this.options.faultInjection !== 'dead-letter-first-replies') return;
    if (definition.kind !== 'reply') return;
    if (this.lostReplies.has(messageId)) return;
    this.lostReplies.add(messageId);
    return 'fault injection: the first delivery of every reply is dead-lettered';
  }

  /**
   * The business failure a command is refused with instead of being handled, if it is: under
   * `refuse:<type>`, every command of that type, with the first code its failure reply lists.
   */
  refusal(definition: MessageDefinition): DomainError | undefined {
    const fault = this.options.faultInjection;
    if (!fault?.startsWith('refuse:') || definition.kind !== 'command') return;
    if (fault.slice('refuse:'.length) !== definition.type) return;
    const [code] = definition.failure.codes;
    if (!code) return;
    this.logger.warn(`Fault injection: refusing ${definition.type}`);
    return new DomainError(code, 'fault injection: this command is refused');
  }
}
