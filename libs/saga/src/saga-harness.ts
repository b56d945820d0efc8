import type { CommandDefinition, FailureCodeOf, PayloadOf } from '@app/contracts';
import type { SagaDefinition } from './saga-definition.js';
import {
  SagaStateMachine,
  type OutgoingCommand,
  type ParticipantObservation,
  type SagaSnapshot,
  type StepLogEntry,
  type Transition,
} from './saga-state-machine.js';
import { isTerminal, type SagaStatus } from './saga-status.js';

type DeepPartial<T> = T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/**
 * Runs a saga definition through the engine's own state machine, without broker or database:
 * a test plays the participants (`expectSent(...).replySuccess(...)`) and the clock (`timeout()`).
 * Retry backoffs elapse by themselves; only a reply's timeout needs `timeout()`.
 */
export function sagaHarness<S>(definition: SagaDefinition<S>, state: S): SagaHarness<S> {
  return new SagaHarness(definition, state);
}

export class SagaHarness<S> {
  private readonly machine: SagaStateMachine<S>;
  private current: SagaSnapshot<S>;
  private readonly pending: OutgoingCommand[] = [];
  readonly timeline: StepLogEntry[] = [];
  private time = Date.parse('2030-01-01T00:00:00.000Z');
  private ids = 0;

  constructor(definition: SagaDefinition<S>, state: S) {
    this.machine = new SagaStateMachine(definition, {
      now: () => new Date(this.time),
      newId: () => `00000000-0000-4000-8000-${String((this.ids += 1)).padStart(12, '0')}`,
    });
    const started = this.machine.start(state);
    this.current = started.snapshot;
    this.apply(started);
  }

  get snapshot(): SagaSnapshot<S> {
    return this.current;
  }

  get state(): S {
    return this.current.state;
  }

  /** Takes the oldest command not yet expected; it must be `command`, with `payload` as a subset. */
  expectSent<C extends CommandDefinition>(
    command: C,
    payload?: DeepPartial<PayloadOf<C>>,
  ): SentCommand<S, C> {
    const sent = this.pending.shift();
    if (!sent) throw new Error(`Expected ${command.type} to be sent, but nothing was`);
    if (sent.command.type !== command.type) {
      throw new Error(`Expected ${command.type} to be sent, but ${sent.command.type} was`);
    }
    const valid = command.schema.safeParse(sent.payload);
    if (!valid.success) {
      throw new Error(`${command.type} was sent with an invalid payload: ${valid.error.message}`);
    }
    if (payload !== undefined && !contains(sent.payload, payload)) {
      throw new Error(
        `Expected ${command.type} with ${JSON.stringify(payload)}, got ${JSON.stringify(sent.payload)}`,
      );
    }
    return new SentCommand<S, C>(this, sent);
  }

  expectNothingSent(): void {
    const sent = this.pending.shift();
    if (sent) throw new Error(`Expected nothing to be sent, but ${sent.command.type} was`);
  }

  expectStatus(status: SagaStatus): void {
    if (this.current.status !== status) {
      const why = this.current.lastError ? ` (${this.current.lastError})` : '';
      throw new Error(`Expected status ${status}, got ${this.current.status}${why}`);
    }
  }

  /**
   * The awaited reply does not come: the deadline passes, with the participant's queue seen as
   * the engine would see it (idle unless told `{ busy: true }`).
   */
  timeout(participant?: ParticipantObservation): Promise<void> {
    return this.act(() => {
      if (!this.current.deadline) throw new Error(`No deadline to pass: ${this.current.status}`);
      this.time = this.current.deadline.getTime();
      return this.machine.deadline(this.current, participant);
    });
  }

  /** An operator (`actor`, for the timeline) retries the FAILED saga. */
  retry(actor?: string): Promise<void> {
    return this.act(() => this.machine.retry(this.current, actor));
  }

  /** An operator (`actor`, for the timeline) compensates the RUNNING saga. */
  compensate(actor?: string): Promise<void> {
    return this.act(() => this.machine.compensate(this.current, actor));
  }

  /** An operator restarts the saga from a named step. */
  restartFrom(step: string): Promise<void> {
    return this.act(() => this.machine.restartFrom(this.current, step));
  }

  /** Delivers a reply to a sent command, as the orchestrator's consumer would. */
  deliver(to: OutgoingCommand, type: string, payload: unknown): void {
    const messageId = `reply-${(this.ids += 1)}`;
    this.apply(
      this.machine.reply(this.current, { messageId, causationId: to.messageId, type, payload }),
    );
  }

  /** Async like the engine's operations, so a refused transition is a rejected promise. */
  private act(decide: () => Transition<S>): Promise<void> {
    return new Promise((resolve) => {
      this.apply(decide());
      resolve();
    });
  }

  private apply(transition: Transition<S>): void {
    this.current = transition.snapshot;
    this.pending.push(...transition.send);
    this.timeline.push(...transition.log);
    const { status, awaitingMessageId, deadline } = this.current;
    if (!isTerminal(status) && !awaitingMessageId && deadline) {
      this.time = deadline.getTime();
      this.apply(this.machine.deadline(this.current));
    }
  }
}

/** A command the saga sent; the test answers it as its participant would. */
export class SentCommand<S, C extends CommandDefinition> {
  constructor(
    private readonly harness: SagaHarness<S>,
    readonly sent: OutgoingCommand,
  ) {}

  get payload(): PayloadOf<C> {
    return this.sent.payload as PayloadOf<C>;
  }

  /** The participant's success reply; fields the saga does not read may be left out. */
  replySuccess(payload?: DeepPartial<PayloadOf<C['reply']>>): Promise<void> {
    this.harness.deliver(this.sent, this.sent.command.reply.type, payload ?? {});
    return Promise.resolve();
  }

  replyFailure(code: FailureCodeOf<C>, reason = 'refused by the test'): Promise<void> {
    this.harness.deliver(this.sent, this.sent.command.failure.type, { code, reason });
    return Promise.resolve();
  }

  timeout(participant?: ParticipantObservation): Promise<void> {
    return this.harness.timeout(participant);
  }
}

function contains(actual: unknown, expected: unknown): boolean {
  if (expected === null || typeof expected !== 'object') return Object.is(actual, expected);
  if (actual === null || typeof actual !== 'object') return false;
  return Object.entries(expected).every(([key, value]) =>
    contains((actual as Record<string, unknown>)[key], value),
  );
}
