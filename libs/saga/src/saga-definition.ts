import { createHash } from 'node:crypto';
import type { CommandDefinition, PayloadOf } from '@app/contracts';
import { toMilliseconds, type Duration } from './duration.js';

/** A command the saga sends: what to send, built from the saga's state, and how long to wait. */
export interface CommandCall<S> {
  command: CommandDefinition;
  payload(state: S, failure: SagaFailure): unknown;
  timeoutMs: number;
  /** Sends of one command (re-sends after a timeout and retries after a failure) before giving up. */
  maxAttempts: number;
  /**
   * The longest a busy participant may take, from the first send, before overdue replies count
   * as attempts again: time its queue holds the command counts only against this.
   */
  budgetMs: number;
}

export interface SagaStep<S> {
  name: string;
  invoke: CommandCall<S>;
  /** Folds the success reply into the state, for later steps and compensations. */
  onReply?(state: S, reply: unknown): S;
  /** Undoes the step; also sent when the step timed out, since it may have run (and must be fenced). */
  compensation?: CommandCall<S>;
  /** The point of no return: once it succeeded, the saga only goes forward. */
  pivot: boolean;
  /** Failures and timeouts are retried (up to `maxAttempts`) instead of compensated. */
  retryUntilDone: boolean;
}

/** Why the saga is compensating: what a compensation may pass on (a rejection reason, say). */
export interface SagaFailure {
  reason: string;
}

export interface RetryPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
}

/** A saga's business flow: steps in order, each with its undo. Instances run on the version they started with. */
export interface SagaDefinition<S> {
  name: string;
  version: number;
  steps: readonly SagaStep<S>[];
  retry: RetryPolicy;
  /**
   * A hash of the flow's shape (steps, their commands, pivot, retries until done), stored with
   * each instance: a version whose steps change without a new version number is caught at
   * start-up. Timeouts and attempts are tuning, not shape, and are left out.
   */
  fingerprint: string;
}

/** Any saga definition, whatever its state type (the engine treats state as a JSON object). */
export type AnySagaDefinition = SagaDefinition<object>;

export interface SagaOptions {
  version: number;
  retry?: Partial<RetryPolicy>;
  /** Default wait for a reply, for steps and compensations that name none. */
  timeout?: Duration;
  /** Default budget of each command while its participant is busy (see `CommandCall.budgetMs`). */
  budget?: Duration;
}

export interface CompensationOptions {
  timeout?: Duration;
  attempts?: number;
}

const DEFAULT_TIMEOUT: Duration = '10s';
const DEFAULT_BUDGET: Duration = '2m';
const STEP_ATTEMPTS = 3;
const COMPENSATION_ATTEMPTS = 5;
const RETRY_UNTIL_DONE_ATTEMPTS = 20;

/** Starts a saga definition: `defineSaga<State>('place-order', { version: 1 }).step(...)...build()`. */
export function defineSaga<S extends object>(name: string, options: SagaOptions): SagaBuilder<S> {
  return new SagaBuilder<S>(name, options);
}

export class SagaBuilder<S> {
  private readonly steps: SagaStep<S>[] = [];
  private readonly defaults: CallDefaults;

  constructor(
    private readonly name: string,
    private readonly options: SagaOptions,
  ) {
    this.defaults = {
      timeoutMs: toMilliseconds(options.timeout ?? DEFAULT_TIMEOUT),
      budgetMs: toMilliseconds(options.budget ?? DEFAULT_BUDGET),
    };
  }

  step(name: string): StepStart<S> {
    return new StepStart(this, name, this.defaults, (step) => this.steps.push(step));
  }

  build(): SagaDefinition<S> {
    const { name, options, steps } = this;
    if (!Number.isInteger(options.version) || options.version < 1) {
      throw new Error(`Saga ${name}: version must be a positive integer`);
    }
    if (steps.length === 0) throw new Error(`Saga ${name} has no steps`);
    const names = steps.map((step) => step.name);
    const duplicate = names.find((stepName, index) => names.indexOf(stepName) !== index);
    if (duplicate) throw new Error(`Saga ${name} has two steps named "${duplicate}"`);
    const pivot = steps.findIndex((step) => step.pivot);
    if (steps.filter((step) => step.pivot).length > 1) {
      throw new Error(`Saga ${name} has more than one pivot`);
    }
    const undoable =
      pivot >= 0 ? steps.slice(pivot + 1).find((step) => !step.retryUntilDone) : null;
    if (undoable) {
      throw new Error(
        `Saga ${name}: "${undoable.name}" follows the pivot, so it must retryUntilDone()`,
      );
    }
    return {
      name,
      version: options.version,
      steps: [...steps],
      retry: { initialDelayMs: 1000, maxDelayMs: 60_000, ...options.retry },
      fingerprint: fingerprintOf(name, steps),
    };
  }
}

/** Short and stable across processes and builds: only names and message types go in. */
function fingerprintOf(name: string, steps: readonly SagaStep<unknown>[]): string {
  const shape = steps.map((step) => [
    step.name,
    step.invoke.command.type,
    step.onReply ? 'folds-reply' : '',
    step.compensation?.command.type ?? '',
    step.pivot ? 'pivot' : '',
    step.retryUntilDone ? 'retry-until-done' : '',
  ]);
  return createHash('sha256')
    .update(JSON.stringify([name, shape]))
    .digest('hex')
    .slice(0, 16);
}

/** What a command call gets when its step names nothing else. */
interface CallDefaults {
  timeoutMs: number;
  budgetMs: number;
}

export class StepStart<S> {
  constructor(
    private readonly saga: SagaBuilder<S>,
    private readonly name: string,
    private readonly defaults: CallDefaults,
    private readonly add: (step: SagaStep<S>) => void,
  ) {}

  /** The command the step sends, built from the state. */
  invoke<C extends CommandDefinition>(
    command: C,
    payload: (state: S) => PayloadOf<C>,
  ): StepBuilder<S, C> {
    const step: SagaStep<S> = {
      name: this.name,
      invoke: { command, payload, ...this.defaults, maxAttempts: STEP_ATTEMPTS },
      pivot: false,
      retryUntilDone: false,
    };
    this.add(step);
    return new StepBuilder<S, C>(this.saga, step, this.defaults);
  }
}

export class StepBuilder<S, C extends CommandDefinition> {
  constructor(
    private readonly saga: SagaBuilder<S>,
    private readonly current: SagaStep<S>,
    private readonly defaults: CallDefaults,
  ) {}

  /** Folds the success reply into the state. */
  onReply(apply: (state: S, reply: PayloadOf<C['reply']>) => S): this {
    this.current.onReply = apply;
    return this;
  }

  /** How to undo the step; it sees the state as it is when compensation runs, and why. */
  compensate<K extends CommandDefinition>(
    command: K,
    payload: (state: S, failure: SagaFailure) => PayloadOf<K>,
    options: CompensationOptions = {},
  ): this {
    this.current.compensation = {
      command,
      payload,
      timeoutMs: options.timeout ? toMilliseconds(options.timeout) : this.defaults.timeoutMs,
      budgetMs: this.defaults.budgetMs,
      maxAttempts: options.attempts ?? COMPENSATION_ATTEMPTS,
    };
    return this;
  }

  /** How long to wait for the reply before re-sending the same command. */
  timeout(duration: Duration): this {
    this.current.invoke.timeoutMs = toMilliseconds(duration);
    return this;
  }

  /** Sends of the command before the step counts as failed. */
  attempts(count: number): this {
    if (!Number.isInteger(count) || count < 1) throw new Error('attempts must be at least 1');
    this.current.invoke.maxAttempts = count;
    return this;
  }

  pivot(): this {
    this.current.pivot = true;
    return this;
  }

  /** Never undone: failures and timeouts are retried with backoff; after the limit the saga needs an operator. */
  retryUntilDone(): this {
    this.current.retryUntilDone = true;
    if (this.current.invoke.maxAttempts === STEP_ATTEMPTS) {
      this.current.invoke.maxAttempts = RETRY_UNTIL_DONE_ATTEMPTS;
    }
    return this;
  }

  step(name: string): StepStart<S> {
    return this.saga.step(name);
  }

  build(): SagaDefinition<S> {
    return this.saga.build();
  }
}
