import { Injectable, Logger } from '@nestjs/common';
import {
  SagaEngine,
  SagaQueries,
  SagaRegistry,
  SagaTransitionError,
  type SagaRecord,
} from '@app/saga';
import type { BulkActionRequest } from './bulk-action.request.js';
import { summaryOf, type SagaSummaryView } from './saga.view.js';

/** At most this many sagas per bulk action: a larger repair is done in several calls. */
export const BULK_ACTION_LIMIT = 100;
const SCAN_PAGE = 200;

export interface BulkActionItem extends SagaSummaryView {
  /** The step the saga is at: the failing one for a FAILED saga. */
  step: string | null;
  /** Set unless a dry run: whether the engine accepted the action for this saga. */
  outcome?: 'accepted' | 'refused';
  reason?: string;
}

export interface BulkActionResult {
  action: BulkActionRequest['action'];
  dryRun: boolean;
  sagas: BulkActionItem[];
  /** More sagas matched than one call touches. */
  truncated: boolean;
}

/**
 * Repairs many sagas at once: finds them by type, status, step and creation time, then retries
 * or compensates each in its own transaction, as single operator actions would (one refused saga
 * does not stop the others). Each action is recorded on its saga's timeline with who asked.
 */
@Injectable()
export class SagaBulkActions {
  private readonly logger = new Logger(SagaBulkActions.name);

  constructor(
    private readonly queries: SagaQueries,
    private readonly engine: SagaEngine,
    private readonly registry: SagaRegistry,
  ) {}

  async run(request: BulkActionRequest, actor: string): Promise<BulkActionResult> {
    const { matched, truncated } = await this.find(request.filter);
    const sagas = matched.map((record) => ({ ...summaryOf(record), step: this.stepOf(record) }));
    if (request.dryRun) return { action: request.action, dryRun: true, sagas, truncated };
    const acted: BulkActionItem[] = [];
    for (const saga of sagas) {
      try {
        if (request.action === 'retry') await this.engine.retry(saga.id, actor);
        else await this.engine.compensate(saga.id, actor);
        acted.push({ ...saga, outcome: 'accepted' });
      } catch (error) {
        if (!(error instanceof SagaTransitionError)) throw error;
        acted.push({ ...saga, outcome: 'refused', reason: error.message });
      }
    }
    const accepted = acted.filter((saga) => saga.outcome === 'accepted').length;
    this.logger.log(`Bulk ${request.action} by ${actor}: ${accepted} of ${acted.length} accepted`);
    return { action: request.action, dryRun: false, sagas: acted, truncated };
  }

  /** Pages through the sagas the database can filter; the step is checked here. */
  private async find(
    filter: BulkActionRequest['filter'],
  ): Promise<{ matched: SagaRecord[]; truncated: boolean }> {
    const matched: SagaRecord[] = [];
    let after: { createdAt: Date; id: string } | undefined;
    for (;;) {
      const page = await this.queries.list({
        status: filter.status,
        sagaType: filter.type,
        createdFrom: filter.from ? new Date(filter.from) : undefined,
        createdBefore: filter.to ? new Date(filter.to) : undefined,
        after,
        limit: SCAN_PAGE,
      });
      for (const record of page) {
        if (filter.step && this.stepOf(record) !== filter.step) continue;
        if (matched.length === BULK_ACTION_LIMIT) return { matched, truncated: true };
        matched.push(record);
      }
      const last = page.at(-1);
      if (page.length < SCAN_PAGE || !last) return { matched, truncated: false };
      after = { createdAt: last.createdAt, id: last.id };
    }
  }

  /** Null for a saga whose definition this instance does not know (a newer release's). */
  private stepOf(record: SagaRecord): string | null {
    try {
      const definition = this.registry.get(record.sagaType, record.definitionVersion);
      return definition.steps[record.currentStep]?.name ?? null;
    } catch {
      return null;
    }
  }
}
