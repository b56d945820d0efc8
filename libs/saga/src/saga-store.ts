import { Injectable } from '@nestjs/common';
import { outboxInsert, type OutboxMessage } from '@app/messaging';
import { queryPrepared } from '@app/persistence';
import type { EntityManager } from 'typeorm';
import type { SagaRecord, SagaStepRecord } from './saga-record.js';
import type { SagaSnapshot, StepLogEntry } from './saga-state-machine.js';
import type { SagaStatus } from './saga-status.js';

interface InstanceRow {
  id: string;
  saga_type: string;
  definition_version: number;
  status: SagaStatus;
  direction: SagaRecord['direction'];
  current_step: number;
  data: object;
  attempt: number;
  awaiting_message_id: string | null;
  deadline: Date | null;
  step_started_at: Date | null;
  last_error: string | null;
  version: number;
  customer_id: string | null;
  idempotency_key: string | null;
  request_fingerprint: string | null;
  traceparent: string | null;
  awaiting_since: Date | null;
  definition_fingerprint: string | null;
  subject: string | null;
  created_at: Date;
  updated_at: Date;
}

interface StepRow {
  id: string;
  step: number;
  step_name: string;
  direction: SagaStepRecord['direction'];
  event: string;
  message_type: string | null;
  message_id: string | null;
  detail: string | null;
  status: SagaStatus;
  at: Date;
}

export interface SagaListFilter {
  status?: SagaStatus;
  sagaType?: string;
  createdBefore?: Date;
  /** Created at or after this instant. */
  createdFrom?: Date;
  /** Keyset: rows strictly after this (created_at, id) in newest-first order. */
  after?: { createdAt: Date; id: string };
  limit: number;
}

/** A saga's status and version with timeline entries, as one read saw them (see `progress`). */
export interface SagaProgress {
  status?: SagaStatus;
  version?: number;
  steps: SagaStepRecord[];
}

/** Live instances of one definition version, as stored: for the start-up check. */
export interface LiveVersionCount {
  sagaType: string;
  definitionVersion: number;
  fingerprint: string | null;
  count: number;
}

/**
 * The columns read, listed: a statement prepared with `*` would fail once a migration adds a
 * column (see `queryPrepared`).
 */
const INSTANCE_COLUMNS = `id, saga_type, definition_version, status, direction, current_step, data,
  attempt, awaiting_message_id, deadline, step_started_at, last_error, version, customer_id,
  idempotency_key, request_fingerprint, traceparent, awaiting_since, definition_fingerprint,
  subject, created_at, updated_at`;
const STEP_FIELDS = [
  'id',
  'step',
  'step_name',
  'direction',
  'event',
  'message_type',
  'message_id',
  'detail',
  'status',
  'at',
];
const STEP_COLUMNS = STEP_FIELDS.join(', ');
const stepColumnsOf = (alias: string) => STEP_FIELDS.map((field) => `${alias}.${field}`).join(', ');

/** The statuses a saga may still move from (FAILED, by an operator): its definition is needed. */
const LIVE = `('RUNNING', 'COMPENSATING', 'FAILED')`;

/**
 * SQL over `saga_instances` and `saga_steps` (tables in the app's schema, created by this lib's
 * migrations). Every method runs in the caller's transaction.
 */
@Injectable()
export class SagaStore {
  /**
   * Inserts a new saga with its first timeline rows and the commands it sends, in one statement;
   * undefined when its id, idempotency key or live subject is taken (then nothing is written).
   */
  async insert(
    manager: EntityManager,
    record: SagaRecord,
    entries: StepLogEntry[] = [],
    messages: readonly OutboxMessage[] = [],
  ): Promise<StepIds | undefined> {
    const params: unknown[] = [
      record.id,
      record.sagaType,
      record.definitionVersion,
      record.status,
      record.direction,
      record.currentStep,
      JSON.stringify(record.data),
      record.attempt,
      record.awaitingMessageId,
      record.deadline,
      record.lastError,
      record.version,
      record.customerId,
      record.idempotencyKey,
      record.requestFingerprint,
      record.traceparent,
      record.awaitingSince,
      record.createdAt,
      record.stepStartedAt,
      record.definitionFingerprint,
      record.subject,
    ];
    const effects = effectsOf('started', entries, messages, params, '$4', '$18');
    const rows = await queryPrepared<WrittenRow>(
      manager,
      `WITH started AS (
         INSERT INTO saga_instances (id, saga_type, definition_version, status, direction,
           current_step, data, attempt, awaiting_message_id, deadline, last_error, version,
           customer_id, idempotency_key, request_fingerprint, traceparent, awaiting_since,
           created_at, updated_at, step_started_at, definition_fingerprint, subject)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
           $18, $19, $20, $21)
         ON CONFLICT DO NOTHING RETURNING id)${effects.sql}
       ${effects.select}`,
      params,
    );
    return stepIdsOf(rows);
  }

  /** The live saga of the type acting on the subject, if any. */
  async findLiveBySubject(
    manager: EntityManager,
    sagaType: string,
    subject: string,
  ): Promise<SagaRecord | undefined> {
    const rows: InstanceRow[] = await manager.query(
      `SELECT * FROM saga_instances WHERE saga_type = $1 AND subject = $2 AND status IN ${LIVE}`,
      [sagaType, subject],
    );
    return rows[0] && recordOf(rows[0]);
  }

  /** Live instances by type, definition version and fingerprint. */
  async liveVersions(manager: EntityManager): Promise<LiveVersionCount[]> {
    const rows: {
      saga_type: string;
      definition_version: number;
      definition_fingerprint: string | null;
      count: number;
    }[] = await manager.query(
      `SELECT saga_type, definition_version, definition_fingerprint, count(*)::int AS count
       FROM saga_instances WHERE status IN ${LIVE}
       GROUP BY saga_type, definition_version, definition_fingerprint`,
    );
    return rows.map((row) => ({
      sagaType: row.saga_type,
      definitionVersion: row.definition_version,
      fingerprint: row.definition_fingerprint,
      count: Number(row.count),
    }));
  }

  async find(manager: EntityManager, id: string, lock = false): Promise<SagaRecord | undefined> {
    const rows = await queryPrepared<InstanceRow>(
      manager,
      `SELECT ${INSTANCE_COLUMNS} FROM saga_instances WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] && recordOf(rows[0]);
  }

  async findByIdempotencyKey(manager: EntityManager, key: string): Promise<SagaRecord | undefined> {
    const rows: InstanceRow[] = await manager.query(
      `SELECT * FROM saga_instances WHERE idempotency_key = $1`,
      [key],
    );
    return rows[0] && recordOf(rows[0]);
  }

  /**
   * Clears the idempotency key and request fingerprint of up to `limit` sagas started more than
   * `retentionMs` ago; resolves with how many. `SKIP LOCKED`: concurrent purges share the work.
   */
  async forgetIdempotencyKeys(
    manager: EntityManager,
    retentionMs: number,
    limit: number,
  ): Promise<number> {
    const rows: { forgotten: number }[] = await manager.query(
      `WITH forgotten AS (
         UPDATE saga_instances SET idempotency_key = NULL, request_fingerprint = NULL
          WHERE id IN (
            SELECT id FROM saga_instances
             WHERE idempotency_key IS NOT NULL
               AND created_at < now() - $1 * interval '1 millisecond'
             LIMIT $2 FOR UPDATE SKIP LOCKED)
         RETURNING 1)
       SELECT count(*)::int AS forgotten FROM forgotten`,
      [retentionMs, limit],
    );
    return rows[0].forgotten;
  }

  /**
   * Writes the next snapshot if nobody moved the saga since `expectedVersion` was read, and its
   * timeline rows with it, in one statement; undefined when the saga had moved (nothing written).
   */
  async update(
    manager: EntityManager,
    id: string,
    expectedVersion: number,
    snapshot: SagaSnapshot<object>,
    awaitingSince: Date | null,
    now: Date,
    entries: StepLogEntry[] = [],
    messages: readonly OutboxMessage[] = [],
  ): Promise<StepIds | undefined> {
    const params: unknown[] = [
      id,
      expectedVersion,
      snapshot.status,
      snapshot.direction,
      snapshot.currentStep,
      JSON.stringify(snapshot.state),
      snapshot.attempt,
      snapshot.awaitingMessageId,
      snapshot.deadline,
      snapshot.lastError,
      now,
      awaitingSince,
      snapshot.stepStartedAt,
    ];
    const effects = effectsOf('moved', entries, messages, params, '$3', '$11');
    const rows = await queryPrepared<WrittenRow>(
      manager,
      `WITH moved AS (
         UPDATE saga_instances SET status = $3, direction = $4, current_step = $5, data = $6,
           attempt = $7, awaiting_message_id = $8, deadline = $9, last_error = $10,
           awaiting_since = $12, version = version + 1, updated_at = $11, step_started_at = $13
         WHERE id = $1 AND version = $2 RETURNING id)${effects.sql}
       ${effects.select}`,
      params,
    );
    return stepIdsOf(rows);
  }

  /** Timeline rows of a transition that changed nothing (an ignored reply), in one statement. */
  async appendLog(
    manager: EntityManager,
    sagaId: string,
    entries: StepLogEntry[],
    status: SagaStatus,
    now: Date,
  ): Promise<void> {
    const steps = stepValues(entries, 4);
    if (!steps) return;
    await manager.query(
      `INSERT INTO saga_steps (saga_id, step, step_name, direction, event, message_type,
         message_id, detail, status, at)
       SELECT $1, v.step, v.step_name, v.direction, v.event, v.message_type, v.message_id,
         v.detail, $2, $3
       FROM (VALUES ${steps.rows}) AS v(ord, step, step_name, direction, event, message_type,
         message_id, detail)
       ORDER BY v.ord`,
      [sagaId, status, now, ...steps.params],
    );
  }

  /**
   * Locks one live saga whose deadline passed, among the definition versions given
   * (`<type>@v<version>`): an instance of a build without a saga's version leaves it to one that
   * has it. Other instances skip a locked saga rather than wait.
   */
  async lockNextExpired(
    manager: EntityManager,
    now: Date,
    versions: readonly string[],
  ): Promise<SagaRecord | undefined> {
    const rows: InstanceRow[] = await manager.query(
      `SELECT * FROM saga_instances
       WHERE status IN ('RUNNING', 'COMPENSATING') AND deadline <= $1
         AND saga_type || '@v' || definition_version = ANY($2::text[])
       ORDER BY deadline LIMIT 1 FOR UPDATE SKIP LOCKED`,
      [now, versions],
    );
    return rows[0] && recordOf(rows[0]);
  }

  /** A new version too: a copy of the saga read before (the engine's) no longer passes the fence. */
  async postpone(manager: EntityManager, id: string, deadline: Date, error: string): Promise<void> {
    await manager.query(
      `UPDATE saga_instances SET deadline = $2, last_error = $3, version = version + 1
       WHERE id = $1`,
      [id, deadline, error],
    );
  }

  /** Sagas by type and status right now, for the metrics. */
  async countByStatus(
    manager: EntityManager,
  ): Promise<{ sagaType: string; status: SagaStatus; count: number }[]> {
    const rows: { saga_type: string; status: SagaStatus; count: number }[] = await manager.query(
      `SELECT saga_type, status, count(*)::int AS count FROM saga_instances
       GROUP BY saga_type, status`,
    );
    return rows.map((row) => ({
      sagaType: row.saga_type,
      status: row.status,
      count: Number(row.count),
    }));
  }

  /** The version of each saga in `ids` that exists: one query however many readers watch. */
  async versions(manager: EntityManager, ids: readonly string[]): Promise<Map<string, number>> {
    const rows: { id: string; version: number }[] = await manager.query(
      `SELECT id, version FROM saga_instances WHERE id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(rows.map((row) => [row.id, Number(row.version)]));
  }

  async steps(
    manager: EntityManager,
    sagaId: string,
    afterId = 0,
    limit?: number,
  ): Promise<SagaStepRecord[]> {
    // LIMIT NULL is no limit.
    const rows: StepRow[] = await manager.query(
      `SELECT * FROM saga_steps WHERE saga_id = $1 AND id > $2 ORDER BY id LIMIT $3`,
      [sagaId, afterId, limit ?? null],
    );
    return rows.map(stepOfRow);
  }

  /**
   * A saga's status and version, and its timeline entries after `afterId`, from one snapshot (one
   * statement): once the status is terminal, the entries include every one that led there. No
   * status when the saga does not exist.
   */
  async progress(
    manager: EntityManager,
    sagaId: string,
    afterId: number,
    limit: number,
  ): Promise<SagaProgress> {
    const rows = await queryPrepared<
      Omit<StepRow, 'id'> & { id: string | null; saga_status: SagaStatus; saga_version: number }
    >(
      manager,
      `SELECT s.status AS saga_status, s.version AS saga_version, ${stepColumnsOf('st')}
       FROM saga_instances s
       LEFT JOIN LATERAL (SELECT ${STEP_COLUMNS} FROM saga_steps
         WHERE saga_id = s.id AND id > $2 ORDER BY id LIMIT $3) st ON true
       WHERE s.id = $1
       ORDER BY st.id`,
      [sagaId, afterId, limit],
    );
    if (rows.length === 0) return { steps: [] };
    const steps = rows.flatMap((row) => (row.id === null ? [] : [stepOfRow(row as StepRow)]));
    return { status: rows[0].saga_status, version: Number(rows[0].saga_version), steps };
  }

  async list(manager: EntityManager, filter: SagaListFilter): Promise<SagaRecord[]> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    const param = (value: unknown) => `$${params.push(value)}`;
    if (filter.status) conditions.push(`status = ${param(filter.status)}`);
    if (filter.sagaType) conditions.push(`saga_type = ${param(filter.sagaType)}`);
    if (filter.createdBefore) conditions.push(`created_at < ${param(filter.createdBefore)}`);
    if (filter.createdFrom) conditions.push(`created_at >= ${param(filter.createdFrom)}`);
    if (filter.after) {
      conditions.push(
        `(created_at, id) < (${param(filter.after.createdAt)}, ${param(filter.after.id)})`,
      );
    }
    const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
    const rows: InstanceRow[] = await manager.query(
      `SELECT * FROM saga_instances ${where} ORDER BY created_at DESC, id DESC LIMIT ${param(filter.limit)}`,
      params,
    );
    return rows.map(recordOf);
  }
}

function recordOf(row: InstanceRow): SagaRecord {
  return {
    id: row.id,
    sagaType: row.saga_type,
    definitionVersion: row.definition_version,
    status: row.status,
    direction: row.direction,
    currentStep: row.current_step,
    data: row.data,
    attempt: row.attempt,
    awaitingMessageId: row.awaiting_message_id,
    deadline: row.deadline,
    stepStartedAt: row.step_started_at,
    lastError: row.last_error,
    version: row.version,
    customerId: row.customer_id,
    idempotencyKey: row.idempotency_key,
    requestFingerprint: row.request_fingerprint,
    traceparent: row.traceparent,
    awaitingSince: row.awaiting_since,
    definitionFingerprint: row.definition_fingerprint,
    subject: row.subject,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** What a saga write's statement returns: the saga's id, with each timeline row's id if any. */
interface WrittenRow {
  id: string;
  step_id: string | null;
}

/** The ids a write's timeline rows got, in the order written; undefined when nothing was written. */
export type StepIds = number[];

function stepIdsOf(rows: WrittenRow[]): StepIds | undefined {
  if (rows.length === 0) return undefined;
  return rows.flatMap((row) => (row.step_id === null ? [] : [Number(row.step_id)]));
}

/**
 * The parts of a saga write's statement that follow its first (`guard`, which returns the saga's
 * id only if it was written): its timeline rows and the commands it sends, then the `select` that
 * ends the statement with the saga's id and the ids its timeline rows got. Appends their
 * parameters to `params`; `status` and `at` name parameters already there.
 */
function effectsOf(
  guard: string,
  entries: StepLogEntry[],
  messages: readonly OutboxMessage[],
  params: unknown[],
  status: string,
  at: string,
): { sql: string; select: string } {
  let sql = '';
  let select = `SELECT id, NULL AS step_id FROM ${guard}`;
  const steps = stepValues(entries, params.length + 1);
  if (steps) {
    // Rows get their ids, and so their order on the timeline, as listed (`ord`).
    sql += `, logged AS (
      INSERT INTO saga_steps (saga_id, step, step_name, direction, event, message_type,
        message_id, detail, status, at)
      SELECT ${guard}.id, v.step, v.step_name, v.direction, v.event, v.message_type,
        v.message_id, v.detail, ${status}, ${at}
      FROM ${guard} CROSS JOIN (VALUES ${steps.rows}) AS v(ord, step, step_name, direction,
        event, message_type, message_id, detail)
      ORDER BY v.ord
      RETURNING id)`;
    select = `SELECT ${guard}.id, logged.id AS step_id FROM ${guard} LEFT JOIN logged ON true
      ORDER BY logged.id`;
    params.push(...steps.params);
  }
  const sent = outboxInsert(messages, guard, params.length + 1);
  if (sent) {
    sql += `, sent AS (${sent.sql})`;
    params.push(...sent.params);
  }
  return { sql, select };
}

function stepOfRow(row: StepRow): SagaStepRecord {
  return {
    id: Number(row.id),
    step: row.step,
    stepName: row.step_name,
    direction: row.direction,
    event: row.event,
    messageType: row.message_type,
    messageId: row.message_id,
    detail: row.detail,
    status: row.status,
    at: row.at,
  };
}

function stepValues(
  entries: StepLogEntry[],
  first: number,
): { rows: string; params: unknown[] } | undefined {
  if (entries.length === 0) return undefined;
  const columns = ['int', 'text', 'text', 'text', 'text', 'uuid', 'text'];
  const rows = entries.map((_, index) => {
    const at = first + index * columns.length;
    const cells = columns.map((type, column) => `$${at + column}::${type}`);
    return `(${index}, ${cells.join(', ')})`;
  });
  const params = entries.flatMap((entry) => [
    entry.step,
    entry.stepName,
    entry.direction,
    entry.event,
    entry.messageType,
    entry.messageId,
    entry.detail,
  ]);
  return { rows: rows.join(', '), params };
}
