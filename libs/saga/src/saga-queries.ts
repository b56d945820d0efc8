import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { SagaRecord, SagaStepRecord } from './saga-record.js';
import { SagaRecordCache } from './saga-record-cache.js';
import { SagaStore, type SagaListFilter, type SagaProgress } from './saga-store.js';

/** Reads for the admin API and the event stream; they never change a saga. */
@Injectable()
export class SagaQueries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly store: SagaStore,
    private readonly records: SagaRecordCache,
  ) {}

  find(id: string): Promise<SagaRecord | undefined> {
    return this.store.find(this.dataSource.manager, id);
  }

  /**
   * Whose saga it is, from the copy this process keeps of a live saga if it has one (a saga's
   * customer never changes), else read: for a check that needs nothing else.
   */
  async ownerOf(id: string): Promise<{ customerId: string | null } | undefined> {
    const record = this.records.get(id) ?? (await this.find(id));
    return record && { customerId: record.customerId };
  }

  /**
   * The timeline, oldest first; `afterId` skips the entries a reader has already seen and `limit`
   * bounds one read (a saga retried for days has a long timeline).
   */
  steps(sagaId: string, afterId = 0, limit?: number): Promise<SagaStepRecord[]> {
    return this.store.steps(this.dataSource.manager, sagaId, afterId, limit);
  }

  /** The saga's status, version and entries after `afterId`, read together (SagaStore.progress). */
  progress(sagaId: string, afterId: number, limit: number): Promise<SagaProgress> {
    return this.store.progress(this.dataSource.manager, sagaId, afterId, limit);
  }

  /** Each existing saga's version: it grows with every transition, so a changed one has moved. */
  versions(ids: readonly string[]): Promise<Map<string, number>> {
    return this.store.versions(this.dataSource.manager, ids);
  }

  list(filter: SagaListFilter): Promise<SagaRecord[]> {
    return this.store.list(this.dataSource.manager, filter);
  }
}
