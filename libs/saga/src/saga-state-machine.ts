import type { CommandDefinition } from '@app/contracts';
import type { CommandCall, RetryPolicy, SagaDefinition } from './saga-definition.js';
import { isTerminal, type SagaStatus } from './saga-status.js';
import { SagaTransitionError } from './saga-transition.error.js';

export type SagaDirection = 'forward' | 'backward';

/** Everything the engine persists about an instance, apart from its ids. */
export interface SagaSnapshot<S> {
  status: SagaStatus;
  direction: SagaDirection;
  /** The step being run (forward) or compensated (backward). */
  currentStep: number;
  state: S;
  /** Sends of the current command so far. */
  attempt: number;
  /** The command whose reply the saga waits for; null while a retry waits out its backoff. */
  awaitingMessageId: string | null;
  deadline: Date | null;
  /** The first send of the current command: where its budget starts. */
  stepStartedAt: Date | null;
  lastError: string | null;
}

/**
 * What the engine saw of the participant when a reply was overdue. `busy`: the late reply is no
 * sign of a lost command, because the participant's queue holds messages and has consumers (the
 * command most likely waits there), or because nobody can tell (`unknown`: the broker does not
 * answer, or this orchestrator could not read replies for a while).
 */
export interface ParticipantObservation {
  busy: boolean;
  /** Messages waiting in its queue, for the timeline. */
  queued?: number;
  /** Why the participant's state is unknown, for the timeline. */
  unknown?: string;
}

export interface OutgoingCommand {
  messageId: string;
  command: CommandDefinition;
  payload: unknown;
  /** The same message as before, after its deadline passed. */
  resend: boolean;
}

export type StepEvent =
  | 'sent'
  | 'resent'
  | 'succeeded'
  | 'failed'
  | 'timed-out'
  | 'retry-scheduled'
  | 'waiting'
  | 'ignored'
  | 'operator';

/** One line of the saga's timeline. */
export interface StepLogEntry {
  step: number;
  stepName: string;
  direction: SagaDirection;
  event: StepEvent;
  messageType: string | null;
  messageId: string | null;
  detail: string | null;
}

export interface Transition<S> {
  snapshot: SagaSnapshot<S>;
  send: OutgoingCommand[];
  log: StepLogEntry[];
  /** False when the input was ignored: only the log has something to record. */
  changed: boolean;
}

export interface IncomingReply {
  messageId: string;
  /** The command it answers. */
  causationId?: string;
  type: string;
  payload: unknown;
}

export interface SagaClock {
  now(): Date;
  newId(): string;
}

/**
 * The saga's rules, without I/O: each input (start, reply, deadline, operator action) maps a
 * snapshot to the next snapshot, the commands to send and the timeline entries. The engine
 * persists the result; the test harness only inspects it.
 */
export class SagaStateMachine<S> {
  constructor(
    readonly definition: SagaDefinition<S>,
    private readonly clock: SagaClock,
  ) {}

  start(state: S): Transition<S> {
    const initial: SagaSnapshot<S> = {
      status: 'RUNNING',
      direction: 'forward',
      currentStep: 0,
      state,
      attempt: 0,
      awaitingMessageId: null,
      deadline: null,
      stepStartedAt: null,
      lastError: null,
    };
    return this.sendCurrent(this.begin(initial), this.clock.newId(), 'sent');
  }

  reply(snapshot: SagaSnapshot<S>, reply: IncomingReply): Transition<S> {
    const call = isTerminal(snapshot.status) ? undefined : this.callOf(snapshot);
    const awaited = snapshot.awaitingMessageId;
    if (!call || !awaited || reply.causationId !== awaited) {
      return this.ignore(snapshot, reply, awaited ? 'answers a command not awaited' : 'late');
    }
    const { command } = call;
    if (reply.type === command.reply.type) return this.succeeded(snapshot, reply);
    if (reply.type === command.failure.type) return this.failed(snapshot, reply);
    return this.ignore(snapshot, reply, `not a reply to ${command.type}`);
  }

  /**
   * The deadline passed: a backoff ended (send again) or a reply is overdue (re-send or give up).
   * A deadline measures the participant, not its queue: while the participant is busy with a
   * backlog (or nobody can tell), an overdue reply costs no attempt and nothing is re-sent (a
   * re-send would only lengthen that queue), until the step's budget from its first send runs out.
   */
  deadline(
    snapshot: SagaSnapshot<S>,
    participant: ParticipantObservation = { busy: false },
  ): Transition<S> {
    if (isTerminal(snapshot.status)) return { snapshot, send: [], log: [], changed: false };
    const call = this.callOf(snapshot);
    if (!snapshot.awaitingMessageId) {
      // A failure reply was final for that message id: the retry is a new message.
      return this.sendCurrent(snapshot, this.clock.newId(), 'sent');
    }
    const budgetEnds = this.budgetEndOf(snapshot, call);
    const now = this.clock.now().getTime();
    if (participant.busy && now < budgetEnds) {
      const waiting: SagaSnapshot<S> = {
        ...snapshot,
        deadline: new Date(Math.min(now + call.timeoutMs, budgetEnds)),
      };
      const queued = participant.queued === undefined ? '' : ` (${participant.queued} queued)`;
      const seen = participant.unknown ?? `participant busy${queued}`;
      const log = this.entry(waiting, 'waiting', {
        messageType: call.command.type,
        messageId: snapshot.awaitingMessageId,
        detail: `${seen}; attempt ${snapshot.attempt} not counted`,
      });
      return { snapshot: waiting, send: [], log: [log], changed: true };
    }
    const timedOut = this.entry(snapshot, 'timed-out', {
      messageType: call.command.type,
      messageId: snapshot.awaitingMessageId,
      detail: `attempt ${snapshot.attempt} of ${call.maxAttempts}`,
    });
    if (snapshot.attempt < call.maxAttempts) {
      // The same message id: a participant that did get it answers from its inbox once only.
      const next = this.sendCurrent(snapshot, snapshot.awaitingMessageId, 'resent');
      return { ...next, log: [timedOut, ...next.log] };
    }
    const error = `${this.describe(snapshot)} timed out after ${snapshot.attempt} attempts`;
    const next = this.exhausted(snapshot, error, true);
    return { ...next, log: [timedOut, ...next.log] };
  }

  /** The command whose reply is overdue at this snapshot's deadline; none while a retry backs off. */
  awaitedCommand(snapshot: SagaSnapshot<S>): CommandDefinition | undefined {
    if (isTerminal(snapshot.status) || !snapshot.awaitingMessageId) return undefined;
    return this.callOf(snapshot).command;
  }

  /**
   * An operator retries a FAILED saga: its failing command is sent again, with fresh attempts.
   * `actor` (who asked) goes on the timeline, the audit trail of operator actions.
   */
  retry(snapshot: SagaSnapshot<S>, actor?: string): Transition<S> {
    if (snapshot.status !== 'FAILED') {
      throw new SagaTransitionError(
        `Only a FAILED saga can be retried; this one is ${snapshot.status}`,
      );
    }
    const resumed: SagaSnapshot<S> = {
      ...this.begin(snapshot),
      status: snapshot.direction === 'forward' ? 'RUNNING' : 'COMPENSATING',
    };
    const next = this.sendCurrent(resumed, this.clock.newId(), 'sent');
    const operator = this.entry(snapshot, 'operator', { detail: operatorDetail('retry', actor) });
    return { ...next, log: [operator, ...next.log] };
  }

  /** An operator compensates a stuck RUNNING saga; the step in flight is undone too (and fenced). */
  compensate(snapshot: SagaSnapshot<S>, actor?: string): Transition<S> {
    if (snapshot.status !== 'RUNNING') {
      throw new SagaTransitionError(
        `Only a RUNNING saga can be compensated; this one is ${snapshot.status}`,
      );
    }
    const passedPivot = this.definition.steps
      .slice(0, snapshot.currentStep)
      .some((step) => step.pivot);
    if (passedPivot) {
      throw new SagaTransitionError('The saga passed its pivot: it can only go forward');
    }
    const next = this.compensateFrom(snapshot, snapshot.currentStep, 'compensated by an operator');
    return {
      ...next,
      log: [
        this.entry(snapshot, 'operator', { detail: operatorDetail('compensate', actor) }),
        ...next.log,
      ],
    };
  }

  /**
   * An operator moves a stuck saga (RUNNING, COMPENSATING or FAILED) forward again from a named
   * step, with fresh attempts; the step's command is sent anew. Refused for a step before a pivot
   * that succeeded (that would undo the point of no return), and for a step the saga has not
   * reached (steps are never skipped) or whose work a compensation has already undone.
   */
  restartFrom(snapshot: SagaSnapshot<S>, stepName: string): Transition<S> {
    const { steps } = this.definition;
    const index = steps.findIndex((step) => step.name === stepName);
    if (index < 0) {
      const names = steps.map((step) => `"${step.name}"`).join(', ');
      throw new SagaTransitionError(`The saga has no step "${stepName}"; its steps: ${names}`);
    }
    if (snapshot.status === 'COMPLETED' || snapshot.status === 'COMPENSATED') {
      throw new SagaTransitionError(`A ${snapshot.status} saga is finished: it is not restarted`);
    }
    const pivot = steps.findIndex((step) => step.pivot);
    const pivotSucceeded =
      pivot >= 0 && snapshot.direction === 'forward' && snapshot.currentStep > pivot;
    if (pivotSucceeded && index <= pivot) {
      throw new SagaTransitionError(
        `Step "${stepName}" comes before the pivot "${steps[pivot].name}", which succeeded: the saga only goes forward`,
      );
    }
    if (index > snapshot.currentStep) {
      throw new SagaTransitionError(
        `The saga is at step "${steps[snapshot.currentStep].name}": restarting from "${stepName}" would skip steps`,
      );
    }
    const restarted: SagaSnapshot<S> = {
      ...this.begin({ ...snapshot, currentStep: index }),
      status: 'RUNNING',
      direction: 'forward',
      lastError: null,
    };
    const next = this.sendCurrent(restarted, this.clock.newId(), 'sent');
    const operator = this.entry(restarted, 'operator', { detail: `restart from "${stepName}"` });
    return { ...next, log: [operator, ...next.log] };
  }

  private succeeded(snapshot: SagaSnapshot<S>, reply: IncomingReply): Transition<S> {
    const received = this.entry(snapshot, 'succeeded', {
      messageType: reply.type,
      messageId: reply.messageId,
    });
    let next: Transition<S>;
    if (snapshot.direction === 'forward') {
      const step = this.definition.steps[snapshot.currentStep];
      const state = step.onReply ? step.onReply(snapshot.state, reply.payload) : snapshot.state;
      next = this.forwardFrom({ ...snapshot, state }, snapshot.currentStep + 1);
    } else {
      next = this.backwardFrom(snapshot, snapshot.currentStep - 1);
    }
    return { ...next, log: [received, ...next.log] };
  }

  private failed(snapshot: SagaSnapshot<S>, reply: IncomingReply): Transition<S> {
    const { code, reason } = reply.payload as { code: string; reason: string };
    const error = `${this.describe(snapshot)} failed: ${code} (${reason})`;
    const received = this.entry(snapshot, 'failed', {
      messageType: reply.type,
      messageId: reply.messageId,
      detail: code,
    });
    const step = this.definition.steps[snapshot.currentStep];
    let next: Transition<S>;
    if (snapshot.direction === 'forward' && !step.retryUntilDone) {
      // A business failure means the step did nothing: undo the ones before it.
      next = this.compensateFrom(snapshot, snapshot.currentStep - 1, error);
    } else if (snapshot.attempt < this.callOf(snapshot).maxAttempts) {
      next = this.scheduleRetry({ ...snapshot, lastError: error });
    } else {
      next = this.exhausted(snapshot, error, false);
    }
    return { ...next, log: [received, ...next.log] };
  }

  /**
   * Out of attempts: a forward step that may be undone is compensated, anything else needs an
   * operator. So does a pivot without an undo whose outcome is unknown (a refund, say): it may
   * have happened, and the steps before it must not be undone as if it had not.
   */
  private exhausted(snapshot: SagaSnapshot<S>, error: string, uncertain: boolean): Transition<S> {
    const step = this.definition.steps[snapshot.currentStep];
    const irreversible = uncertain && step.pivot && !step.compensation;
    if (snapshot.direction === 'forward' && !step.retryUntilDone && !irreversible) {
      const from = uncertain ? snapshot.currentStep : snapshot.currentStep - 1;
      return this.compensateFrom(snapshot, from, error);
    }
    return {
      snapshot: { ...this.settled(snapshot, 'FAILED'), lastError: error },
      send: [],
      log: [],
      changed: true,
    };
  }

  private scheduleRetry(snapshot: SagaSnapshot<S>): Transition<S> {
    const delay = backoffMs(snapshot.attempt, this.definition.retry);
    const waiting: SagaSnapshot<S> = {
      ...snapshot,
      awaitingMessageId: null,
      deadline: new Date(this.clock.now().getTime() + delay),
    };
    const log = [this.entry(waiting, 'retry-scheduled', { detail: `in ${delay} ms` })];
    return { snapshot: waiting, send: [], log, changed: true };
  }

  private forwardFrom(snapshot: SagaSnapshot<S>, index: number): Transition<S> {
    if (index >= this.definition.steps.length) {
      return {
        snapshot: { ...this.settled(snapshot, 'COMPLETED'), currentStep: index - 1 },
        send: [],
        log: [],
        changed: true,
      };
    }
    const next = this.begin({ ...snapshot, currentStep: index });
    return this.sendCurrent(next, this.clock.newId(), 'sent');
  }

  private compensateFrom(snapshot: SagaSnapshot<S>, index: number, error: string): Transition<S> {
    return this.backwardFrom(
      { ...snapshot, status: 'COMPENSATING', direction: 'backward', lastError: error },
      index,
    );
  }

  /** Runs the compensation of the newest step at or before `index` that has one. */
  private backwardFrom(snapshot: SagaSnapshot<S>, index: number): Transition<S> {
    let step = index;
    while (step >= 0 && !this.definition.steps[step].compensation) step -= 1;
    if (step < 0) {
      return {
        snapshot: { ...this.settled(snapshot, 'COMPENSATED'), currentStep: 0 },
        send: [],
        log: [],
        changed: true,
      };
    }
    return this.sendCurrent(
      this.begin({ ...snapshot, currentStep: step }),
      this.clock.newId(),
      'sent',
    );
  }

  private sendCurrent(
    snapshot: SagaSnapshot<S>,
    messageId: string,
    event: 'sent' | 'resent',
  ): Transition<S> {
    const call = this.callOf(snapshot);
    const attempt = snapshot.attempt + 1;
    // Each later attempt waits longer: the step's timeout plus the retry backoff.
    const waitMs =
      call.timeoutMs + (attempt > 1 ? backoffMs(attempt - 1, this.definition.retry) : 0);
    const now = this.clock.now();
    const next: SagaSnapshot<S> = {
      ...snapshot,
      attempt,
      awaitingMessageId: messageId,
      deadline: new Date(now.getTime() + waitMs),
      stepStartedAt: snapshot.stepStartedAt ?? now,
    };
    const outgoing: OutgoingCommand = {
      messageId,
      command: call.command,
      payload: call.payload(snapshot.state, { reason: snapshot.lastError ?? 'compensated' }),
      resend: event === 'resent',
    };
    const log = this.entry(next, event, {
      messageType: call.command.type,
      messageId,
      detail: attempt > 1 ? `attempt ${attempt}` : null,
    });
    return { snapshot: next, send: [outgoing], log: [log], changed: true };
  }

  private begin(snapshot: SagaSnapshot<S>): SagaSnapshot<S> {
    return {
      ...snapshot,
      attempt: 0,
      awaitingMessageId: null,
      deadline: null,
      stepStartedAt: null,
    };
  }

  private settled(snapshot: SagaSnapshot<S>, status: SagaStatus): SagaSnapshot<S> {
    return {
      ...snapshot,
      status,
      attempt: 0,
      awaitingMessageId: null,
      deadline: null,
      stepStartedAt: null,
    };
  }

  /** When a busy participant stops buying time: the budget after the command's first send. */
  private budgetEndOf(snapshot: SagaSnapshot<S>, call: CommandCall<S>): number {
    const started = snapshot.stepStartedAt ?? this.clock.now();
    return started.getTime() + call.budgetMs;
  }

  private ignore(snapshot: SagaSnapshot<S>, reply: IncomingReply, why: string): Transition<S> {
    const log = this.entry(snapshot, 'ignored', {
      messageType: reply.type,
      messageId: reply.messageId,
      detail: why,
    });
    return { snapshot, send: [], log: [log], changed: false };
  }

  private callOf(snapshot: SagaSnapshot<S>): CommandCall<S> {
    const step = this.definition.steps[snapshot.currentStep];
    const call = snapshot.direction === 'forward' ? step.invoke : step.compensation;
    if (!call) throw new Error(`Step "${step.name}" has no compensation`);
    return call;
  }

  private describe(snapshot: SagaSnapshot<S>): string {
    const { name } = this.definition.steps[snapshot.currentStep];
    return snapshot.direction === 'forward' ? `step "${name}"` : `compensation of "${name}"`;
  }

  private entry(
    snapshot: SagaSnapshot<S>,
    event: StepEvent,
    fields: Partial<Pick<StepLogEntry, 'messageType' | 'messageId' | 'detail'>>,
  ): StepLogEntry {
    return {
      step: snapshot.currentStep,
      stepName: this.definition.steps[snapshot.currentStep].name,
      direction: snapshot.direction,
      event,
      messageType: fields.messageType ?? null,
      messageId: fields.messageId ?? null,
      detail: fields.detail ?? null,
    };
  }
}

/** `retry`, or `retry by dev-admin` when the engine was told who asked. */
function operatorDetail(action: 'retry' | 'compensate', actor: string | undefined): string {
  return actor ? `${action} by ${actor}` : action;
}

/** Exponential and capped; no jitter, so the harness and the engine agree on every wait. */
export function backoffMs(attempt: number, policy: RetryPolicy): number {
  return Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.max(0, attempt - 1));
}
