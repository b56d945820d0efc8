import type { DeadLetterRecord, DeadLetterStatus } from './dead-letter-store.js';

/** A dead letter as the admin API shows it; the message's payload is not part of it. */
export interface DeadLetterView {
  id: string;
  queue: string;
  messageId: string;
  type: string | null;
  sagaId: string | null;
  reason: string;
  deadLetteredAt: string;
  /** Seconds since it was dead-lettered. */
  ageSeconds: number;
  status: DeadLetterStatus;
  resolvedAt: string | null;
  /** False for a message that is no envelope of ours: it can only be discarded. */
  replayable: boolean;
}

export function viewOf(record: DeadLetterRecord, now = new Date()): DeadLetterView {
  return {
    id: record.id,
    queue: record.queue,
    messageId: record.messageId,
    type: record.type,
    sagaId: record.sagaId,
    reason: record.reason,
    deadLetteredAt: record.deadLetteredAt.toISOString(),
    ageSeconds: Math.max(0, Math.floor((now.getTime() - record.deadLetteredAt.getTime()) / 1000)),
    status: record.status,
    resolvedAt: record.resolvedAt?.toISOString() ?? null,
    replayable: record.replayTarget !== null && record.envelope !== null,
  };
}
