import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { MessageBus, QueueProbe, type Envelope, type OutboxMessage } from '@app/messaging';
import { AfterCommit } from '@app/persistence';
import { DataSource, type EntityManager } from 'typeorm';
import { SagaChanges } from './saga-changes.js';
import type { SagaDefinition } from './saga-definition.js';
import { IdempotencyConflictError } from './idempotency-conflict.error.js';
import { SagaAlreadyRunningError } from './saga-already-running.error.js';
import { SagaMetrics } from './saga-metrics.js';
import { SagaNotFoundError } from './saga-not-found.error.js';
import { fieldsOf, snapshotOf, type SagaRecord, type SagaStepRecord } from './saga-record.js';
import { SagaRecordCache } from './saga-record-cache.js';
import { SagaRegistry } from './saga-registry.js';
import {
  SagaStateMachine,
  type ParticipantObservation,
  type SagaClock,
  type SagaSnapshot,
  type StepLogEntry,
  type Transition,
} from './saga-state-machine.js';
import { SagaStore, type StepIds } from './saga-store.js';
import { inSagaTrace } from './saga-trace.js';

export interface StartOptions {
  /** Generated when omitted. */
  id?: string;
  /** The same key starts one saga only; `fingerprint` tells a replay from a different request. */
  idempotency?: { key: string; fingerprint: string };
  /** Whose saga it is, for reads filtered by owner. */
  customerId?: string;
  /**
   * What the saga acts on (`order:<id>`): while one saga of the type is live on it, starting
   * another throws `SagaAlreadyRunningError` (unless the idempotency key replays the first).
   */
  subject?: string;
}

export interface Started<S> {
  id: string;
  state: S;
  /** False when the idempotency key returned an existing saga. */
  created: boolean;
}

/** Optimistic-concurrency retries of one reply before the consumer's own retry takes over. */
const CONFLICT_RETRIES = 5;
/** How long a saga whose deadline could not be handled waits before the next try. */
const POSTPONE_MS = 30_000;

/**
 * Moves saga instances: every transition, the commands it sends (outbox) and its timeline rows
 * are written by one statement, fenced by the saga's version, so a start or a reply needs no
 * transaction; deadlines and operators lock the saga in one. The version this process last wrote
 * is kept, so a reply usually moves its saga without reading it first. The rules themselves are
 * in `SagaStateMachine`.
 */
@Injectable()
export class SagaEngine {
  private readonly logger = new Logger(SagaEngine.name);
  private readonly clock: SagaClock = { now: () => new Date(), newId: () => randomUUID() };

  constructor(
    private readonly dataSource: DataSource,
    private readonly bus: MessageBus,
    private readonly registry: SagaRegistry,
    private readonly store: SagaStore,
    private readonly metrics: SagaMetrics,
    private readonly probe: QueueProbe,
    private readonly changes: SagaChanges,
    private readonly afterCommit: AfterCommit,
    private readonly records: SagaRecordCache,
  ) {}

  /**
   * Starts a saga: by name on the newest registered version (what start routes do, so a deploy
   * that registers v2 beside v1 starts new instances on v2), or on the definition given.
   */
  async start<S extends object>(
    saga: SagaDefinition<S> | string,
    state: S,
    options: StartOptions = {},
  ): Promise<Started<S>> {
    const definition = (
      typeof saga === 'string' ? this.registry.latest(saga) : saga
    ) as SagaDefinition<S>;
    if (!this.registry.has(definition)) {
      throw new Error(`Saga ${definition.name} v${definition.version} is not registered`);
    }
    // One statement writes the saga, its first timeline rows and commands: no transaction needed.
    const manager = this.dataSource.manager;
    // A repeated key (or a live subject) loses the insert below; see lostStart.
    const { idempotency } = options;
    const now = this.clock.now();
    const machine = new SagaStateMachine(definition, this.clock);
    const transition = machine.start(state);
    const { snapshot } = transition;
    const record: SagaRecord = {
      id: options.id ?? randomUUID(),
      sagaType: definition.name,
      definitionVersion: definition.version,
      definitionFingerprint: definition.fingerprint,
      subject: options.subject ?? null,
      ...fieldsOf(snapshot),
      version: 1,
      customerId: options.customerId ?? null,
      idempotencyKey: idempotency?.key ?? null,
      requestFingerprint: idempotency?.fingerprint ?? null,
      // The request's trace: deadlines and retries continue it long after the request ended.
      traceparent: this.bus.traceparent(),
      awaitingSince: snapshot.awaitingMessageId ? now : null,
      createdAt: now,
      updatedAt: now,
    };
    const messages = this.commandsOf(record, transition);
    const stepIds = await this.store.insert(manager, record, transition.log, messages);
    if (!stepIds) return this.lostStart<S>(manager, record, options);
    this.written(manager, { from: 0, record, entries: transition.log, stepIds, messages });
    this.metrics.sagaStarted(definition.name);
    this.logger.log(`Started ${definition.name} v${definition.version} ${record.id}`);
    return { id: record.id, state, created: true };
  }

  /**
   * The saga an earlier start under `idempotency` created, as that start answered; a different
   * request under the key is refused like a start's. For a caller that must not start anything
   * (the subject already moved on) but owes a retried request its first answer.
   */
  async replay<S>(idempotency: { key: string; fingerprint: string }): Promise<Started<S>> {
    const existing = await this.store.findByIdempotencyKey(
      this.dataSource.manager,
      idempotency.key,
    );
    if (!existing) throw new SagaNotFoundError(`started under idempotency key ${idempotency.key}`);
    return this.replayed<S>(existing, idempotency.fingerprint);
  }

  /**
   * The insert conflicted with a concurrent start, committed by now: the same idempotency key
   * (a replay) or a live saga on the same subject (refused).
   */
  private async lostStart<S>(
    manager: EntityManager,
    record: SagaRecord,
    { idempotency, subject }: StartOptions,
  ): Promise<Started<S>> {
    const winner = idempotency && (await this.store.findByIdempotencyKey(manager, idempotency.key));
    if (winner && idempotency) return this.replayed<S>(winner, idempotency.fingerprint);
    if (subject) {
      const running = await this.store.findLiveBySubject(manager, record.sagaType, subject);
      throw new SagaAlreadyRunningError(record.sagaType, subject, running?.id);
    }
    throw new Error(`Saga ${record.id} could not be inserted`);
  }

  /** Applies a reply inside the transaction that records its inbox row. */
  async handleReply(envelope: Envelope, manager: EntityManager): Promise<void> {
    if (!envelope.sagaId) {
      this.logger.warn(`${envelope.type} ${envelope.messageId} names no saga; ignored`);
      return;
    }
    for (let attempt = 1; attempt <= CONFLICT_RETRIES; attempt += 1) {
      // The copy this process wrote last, if any, is tried first; its write is fenced all the same.
      const kept = attempt === 1 ? this.records.get(envelope.sagaId) : undefined;
      const record = kept ?? (await this.store.find(manager, envelope.sagaId));
      if (!record) {
        this.logger.warn(`${envelope.type} answers unknown saga ${envelope.sagaId}; ignored`);
        return;
      }
      const transition = this.machineOf(record).reply(snapshotOf(record), {
        messageId: envelope.messageId,
        causationId: envelope.causationId,
        type: envelope.type,
        payload: envelope.payload,
      });
      if (kept && !transition.changed) {
        // Ignoring writes nothing to fence: the copy may predate the command this reply answers
        // (another instance moved the saga since), so only a read may decide to ignore it.
        this.records.forget(record.id);
        continue;
      }
      if (await this.apply(manager, record, transition)) return;
      this.logger.debug(`Saga ${record.id} moved meanwhile; re-reading it`);
    }
    throw new Error(`Saga ${envelope.sagaId} kept moving under ${envelope.type}; retrying later`);
  }

  /**
   * Handles one saga whose deadline passed, if there is one; false when none is due. What it
   * sends continues the trace the saga started in.
   */
  async expireNext(options: { unsure?: string } = {}): Promise<boolean> {
    let due: SagaRecord | undefined;
    try {
      return await this.dataSource.transaction(async (manager) => {
        due = await this.store.lockNextExpired(manager, this.clock.now(), this.registry.keys());
        if (!due) return false;
        const record = due;
        const machine = this.machineOf(record);
        const step = machine.definition.steps[record.currentStep]?.name ?? '';
        const snapshot = snapshotOf(record);
        const participant = options.unsure
          ? { busy: true, unknown: options.unsure }
          : await this.observe(machine, snapshot);
        return inSagaTrace(record, { event: 'deadline', step }, async () => {
          const transition = machine.deadline(snapshot, participant);
          if (!(await this.apply(manager, record, transition))) {
            throw new Error(`Saga ${record.id} changed although it was locked`);
          }
          return true;
        });
      });
    } catch (error) {
      if (!due) throw error;
      // One saga that cannot be moved must not hold up every deadline behind it.
      const { id } = due;
      // The detail (often a database's own words) goes to the log only: lastError is shown to
      // the saga's customer, so it gets a code and a safe message.
      this.logger.error(`Saga ${id}: deadline handling failed: ${(error as Error).message}`);
      const later = new Date(this.clock.now().getTime() + POSTPONE_MS);
      await this.dataSource.transaction((manager) =>
        this.store.postpone(manager, id, later, DEADLINE_HANDLING_FAILED),
      );
      return true;
    }
  }

  /**
   * Whether the participant an overdue command went to is busy: its queue holds messages and is
   * consumed. Then the command most likely waits in that queue, and the deadline measured the
   * queue, not the participant. A broker that cannot tell (down, restarting, cut off from this
   * instance) counts as busy too: nothing can be re-sent meanwhile, and its outage says nothing
   * about the participant; the step's budget still bounds the wait.
   */
  private async observe(
    machine: SagaStateMachine<object>,
    snapshot: SagaSnapshot<object>,
  ): Promise<ParticipantObservation> {
    const command = machine.awaitedCommand(snapshot);
    if (!command) return { busy: false };
    const load = await this.probe.loadOf(command.type);
    if (!load) return { busy: true, unknown: 'the broker cannot tell' };
    return { busy: load.ready > 0 && load.consumers > 0, queued: load.ready };
  }

  /** An operator (`actor`, recorded on the timeline) retries a FAILED saga's failing command. */
  retry(sagaId: string, actor?: string): Promise<void> {
    return this.operate(sagaId, (machine, record) => machine.retry(snapshotOf(record), actor));
  }

  /** An operator (`actor`, recorded on the timeline) compensates a stuck RUNNING saga. */
  compensate(sagaId: string, actor?: string): Promise<void> {
    return this.operate(sagaId, (machine, record) => machine.compensate(snapshotOf(record), actor));
  }

  /** An operator re-runs a stuck saga from a named step, on the version it started with. */
  restartFrom(sagaId: string, step: string): Promise<void> {
    return this.operate(sagaId, (machine, record) => machine.restartFrom(snapshotOf(record), step));
  }

  private operate(
    sagaId: string,
    decide: (machine: SagaStateMachine<object>, record: SagaRecord) => Transition<object>,
  ): Promise<void> {
    return this.dataSource.transaction(async (manager) => {
      const record = await this.store.find(manager, sagaId, true);
      if (!record) throw new SagaNotFoundError(sagaId);
      const transition = decide(this.machineOf(record), record);
      if (!(await this.apply(manager, record, transition))) {
        throw new Error(`Saga ${sagaId} changed although it was locked`);
      }
    });
  }

  private replayed<S>(existing: SagaRecord, fingerprint: string): Started<S> {
    if (existing.requestFingerprint !== fingerprint) {
      throw new IdempotencyConflictError(existing.idempotencyKey ?? '');
    }
    return { id: existing.id, state: existing.data as S, created: false };
  }

  /**
   * Persists a transition with its timeline rows and the commands it sends, in one statement;
   * false on a version conflict (someone else moved the saga first). One statement commits alone,
   * so a reply needs no transaction around it (see `SagaRepliesController`).
   */
  private async apply(
    manager: EntityManager,
    record: SagaRecord,
    transition: Transition<object>,
  ): Promise<boolean> {
    const now = this.clock.now();
    const { snapshot, log } = transition;
    if (transition.changed) {
      const awaitingSince = awaitingSinceAfter(record, snapshot, now);
      const messages = this.commandsOf(record, transition);
      const { id, version } = record;
      const stepIds = await this.store.update(
        manager,
        id,
        version,
        snapshot,
        awaitingSince,
        now,
        log,
        messages,
      );
      if (!stepIds) {
        this.records.forget(id);
        return false;
      }
      const next = recordAfter(record, snapshot, awaitingSince, now);
      this.written(manager, { from: version, record: next, entries: log, stepIds, messages });
    } else {
      // Nothing moved (an ignored reply), so nothing is sent: only the timeline says so.
      await this.store.appendLog(manager, record.id, log, snapshot.status, now);
      const { id: sagaId, version, status } = record;
      this.changes.moved(manager, { sagaId, from: version, to: version, status });
    }
    this.observeAnsweredSteps(record, transition, now);
    if (snapshot.status !== record.status) this.logTransition(record, transition);
    return true;
  }

  /** A reply applied ends its step's wait: its latency runs from the command's first send. */
  private observeAnsweredSteps(
    record: SagaRecord,
    transition: Transition<object>,
    now: Date,
  ): void {
    if (!record.awaitingSince) return;
    const seconds = (now.getTime() - record.awaitingSince.getTime()) / 1000;
    for (const entry of transition.log) {
      if (entry.event !== 'succeeded' && entry.event !== 'failed') continue;
      const step = { sagaType: record.sagaType, name: entry.stepName, direction: entry.direction };
      this.metrics.stepAnswered(step, entry.event, seconds);
    }
  }

  /** The commands a transition sends, as outbox messages for the statement that persists it. */
  private commandsOf(record: SagaRecord, transition: Transition<object>): OutboxMessage[] {
    return transition.send.map((outgoing) =>
      // The causation is the reply being handled, if any (inherited by the bus).
      this.bus.compose(outgoing.command, outgoing.payload, {
        messageId: outgoing.messageId,
        sagaId: record.id,
        sagaType: record.sagaType,
        correlationId: record.id,
      }),
    );
  }

  /**
   * Once the statement that wrote them commits: publish the commands, keep the saga's new version
   * for its next reply, and tell readers how it moved.
   */
  private written(manager: EntityManager, write: SagaWrite): void {
    const { record, messages } = write;
    this.bus.stage(manager, messages);
    this.afterCommit.run(manager, () => this.records.remember(record));
    this.changes.moved(manager, {
      sagaId: record.id,
      from: write.from,
      to: record.version,
      status: record.status,
      steps: timelineOf(write, record),
    });
  }

  private logTransition(record: SagaRecord, transition: Transition<object>): void {
    const { status, lastError } = transition.snapshot;
    const what = `Saga ${record.sagaType} ${record.id}: ${record.status} -> ${status}`;
    if (status === 'FAILED') this.logger.error(`${what}: ${lastError ?? 'unknown error'}`);
    else if (status === 'COMPENSATING') this.logger.warn(`${what}: ${lastError ?? ''}`);
    else this.logger.log(what);
    if (status === 'COMPLETED' || status === 'COMPENSATED' || status === 'FAILED') {
      const seconds = (this.clock.now().getTime() - record.createdAt.getTime()) / 1000;
      this.metrics.sagaEnded(record.sagaType, status, seconds);
    }
  }

  private machineOf(record: SagaRecord): SagaStateMachine<object> {
    const definition = this.registry.get(record.sagaType, record.definitionVersion);
    return new SagaStateMachine(definition, this.clock);
  }
}

/** A saga write that went through: the saga as it is now, and what the statement wrote with it. */
interface SagaWrite {
  /** The version it moved from (0: it was started). */
  from: number;
  record: SagaRecord;
  entries: StepLogEntry[];
  stepIds: StepIds;
  messages: OutboxMessage[];
}

/** The saga as `SagaStore.update` left it. */
function recordAfter(
  record: SagaRecord,
  snapshot: SagaSnapshot<object>,
  awaitingSince: Date | null,
  now: Date,
): SagaRecord {
  return {
    ...record,
    ...fieldsOf(snapshot),
    awaitingSince,
    version: record.version + 1,
    updatedAt: now,
  };
}

/** The timeline rows a write stored, as a read would return them; undefined if ids are missing. */
function timelineOf(
  { entries, stepIds }: SagaWrite,
  record: SagaRecord,
): SagaStepRecord[] | undefined {
  if (stepIds.length !== entries.length) return undefined;
  return entries.map((entry, index) => ({
    id: stepIds[index],
    step: entry.step,
    stepName: entry.stepName,
    direction: entry.direction,
    event: entry.event,
    messageType: entry.messageType,
    messageId: entry.messageId,
    detail: entry.detail,
    status: record.status,
    at: record.updatedAt,
  }));
}

/** What a saga whose deadline could not be handled shows; the detail is in the log. */
export const DEADLINE_HANDLING_FAILED =
  'saga.deadline-handling-failed: the deadline could not be handled and is retried';

/** A new awaited command starts the clock; a re-send of the same one keeps it. */
function awaitingSinceAfter(
  record: SagaRecord,
  next: SagaSnapshot<object>,
  now: Date,
): Date | null {
  if (!next.awaitingMessageId) return null;
  return next.awaitingMessageId === record.awaitingMessageId ? record.awaitingSince : now;
}
