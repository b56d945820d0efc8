import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Envelope, StoredDeadLetters } from '@app/messaging';
import { DataSource, type EntityManager } from 'typeorm';
import type { CapturedDeadLetter, ReplayTarget } from './captured-dead-letter.js';

export const DEAD_LETTER_STATUSES = ['PENDING', 'REPLAYED', 'DISCARDED'] as const;
export type DeadLetterStatus = (typeof DEAD_LETTER_STATUSES)[number];

/** A stored dead letter. */
export interface DeadLetterRecord {
  id: string;
  queue: string;
  messageId: string;
  type: string | null;
  sagaId: string | null;
  reason: string;
  deadLetteredAt: Date;
  storedAt: Date;
  status: DeadLetterStatus;
  resolvedAt: Date | null;
  envelope: Envelope | null;
  replayTarget: ReplayTarget | null;
}

export interface DeadLetterListFilter {
  queue?: string;
  status: DeadLetterStatus;
  /** Keyset: rows strictly after this (dead_lettered_at, id) in newest-first order. */
  after?: { deadLetteredAt: Date; id: string };
  limit: number;
}

interface DeadLetterRow {
  id: string;
  queue: string;
  message_id: string;
  message_type: string | null;
  saga_id: string | null;
  reason: string;
  destination: ReplayTarget['destination'] | null;
  routing_key: string | null;
  envelope: Envelope | null;
  dead_lettered_at: Date;
  stored_at: Date;
  status: DeadLetterStatus;
  resolved_at: Date | null;
}

const COLUMNS = `id, queue, message_id, message_type, saga_id, reason, destination, routing_key,
  envelope, dead_lettered_at, stored_at, status, resolved_at`;

/** SQL over the orchestrator's `dead_letters` table. */
@Injectable()
export class DeadLetterStore implements StoredDeadLetters {
  constructor(private readonly dataSource: DataSource) {}

  /** Keeps a dead letter; a redelivery of one already kept changes nothing. */
  async keep(letter: CapturedDeadLetter): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO dead_letters (id, queue, message_id, message_type, saga_id, reason, destination,
         routing_key, envelope, message, dead_lettered_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (queue, message_id, dead_lettered_at) DO NOTHING`,
      [
        randomUUID(),
        letter.queue,
        letter.messageId,
        letter.type,
        letter.sagaId,
        letter.reason,
        letter.replayTarget?.destination ?? null,
        letter.replayTarget?.routingKey ?? null,
        letter.envelope && JSON.stringify(letter.envelope),
        JSON.stringify(letter.message, (_key, value: unknown) =>
          typeof value === 'bigint' ? String(value) : value,
        ),
        letter.deadLetteredAt,
      ],
    );
  }

  async list(filter: DeadLetterListFilter): Promise<DeadLetterRecord[]> {
    const conditions = ['status = $1'];
    const parameters: unknown[] = [filter.status];
    if (filter.queue) {
      parameters.push(filter.queue);
      conditions.push(`queue = $${parameters.length}`);
    }
    if (filter.after) {
      parameters.push(filter.after.deadLetteredAt, filter.after.id);
      conditions.push(
        `(dead_lettered_at, id) < ($${parameters.length - 1}, $${parameters.length})`,
      );
    }
    parameters.push(filter.limit);
    const rows: DeadLetterRow[] = await this.dataSource.query(
      `SELECT ${COLUMNS} FROM dead_letters WHERE ${conditions.join(' AND ')}
       ORDER BY dead_lettered_at DESC, id DESC LIMIT $${parameters.length}`,
      parameters,
    );
    return rows.map(recordOf);
  }

  /** The dead letter, locked until the caller's transaction ends. */
  async lock(manager: EntityManager, id: string): Promise<DeadLetterRecord | undefined> {
    const rows: DeadLetterRow[] = await manager.query(
      `SELECT ${COLUMNS} FROM dead_letters WHERE id = $1 FOR UPDATE`,
      [id],
    );
    return rows[0] && recordOf(rows[0]);
  }

  async resolve(
    manager: EntityManager,
    id: string,
    status: Exclude<DeadLetterStatus, 'PENDING'>,
  ): Promise<DeadLetterRecord> {
    // A statement that starts with UPDATE answers [rows, count] through TypeORM; a SELECT, rows.
    const rows: DeadLetterRow[] = await manager.query(
      `WITH resolved AS (
         UPDATE dead_letters SET status = $2, resolved_at = now() WHERE id = $1 RETURNING *)
       SELECT ${COLUMNS} FROM resolved`,
      [id, status],
    );
    return recordOf(rows[0]);
  }

  /** Pending dead letters per logical queue, for the dead-letter depth gauge. */
  async unresolvedByQueue(): Promise<Map<string, number>> {
    const rows: { queue: string; count: number }[] = await this.dataSource.query(
      `SELECT queue, count(*)::int AS count FROM dead_letters WHERE status = 'PENDING' GROUP BY queue`,
    );
    return new Map(rows.map((row) => [row.queue, row.count]));
  }
}

function recordOf(row: DeadLetterRow): DeadLetterRecord {
  return {
    id: row.id,
    queue: row.queue,
    messageId: row.message_id,
    type: row.message_type,
    sagaId: row.saga_id,
    reason: row.reason,
    deadLetteredAt: row.dead_lettered_at,
    storedAt: row.stored_at,
    status: row.status,
    resolvedAt: row.resolved_at,
    envelope: row.envelope,
    replayTarget:
      row.destination && row.routing_key
        ? { destination: row.destination, routingKey: row.routing_key }
        : null,
  };
}
