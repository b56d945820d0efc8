import { Injectable } from '@nestjs/common';
import type { SagaRecord } from './saga-record.js';
import { isTerminal } from './saga-status.js';

/** Live sagas remembered at most; the oldest written is forgotten first. */
const DEFAULT_CAPACITY = 10_000;

/**
 * The last version of each live saga this process wrote, so the reply that moves it next needs
 * no read. Only a hint: every write is fenced by the saga's version, so a copy another instance
 * (or an operator) made stale fails its write and the engine reads the saga again. A saga at a
 * terminal status is forgotten. Its state is kept as JSON, as stored: what a copy hands out is
 * what a read would have returned, and the caller's to change.
 */
@Injectable()
export class SagaRecordCache {
  private readonly records = new Map<string, { record: SagaRecord; data: string }>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  get(id: string): SagaRecord | undefined {
    const kept = this.records.get(id);
    return kept && { ...kept.record, data: JSON.parse(kept.data) as object };
  }

  /** Remembers `record` as committed; a terminal saga is not moved by replies any more. */
  remember(record: SagaRecord): void {
    this.records.delete(record.id);
    if (isTerminal(record.status)) return;
    this.records.set(record.id, { record, data: JSON.stringify(record.data) });
    if (this.records.size > this.capacity) {
      this.records.delete(this.records.keys().next().value as string);
    }
  }

  forget(id: string): void {
    this.records.delete(id);
  }

  get size(): number {
    return this.records.size;
  }
}
