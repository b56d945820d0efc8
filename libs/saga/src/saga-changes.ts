import { Injectable } from '@nestjs/common';
import { AfterCommit } from '@app/persistence';
import { filter, Subject, type Observable } from 'rxjs';
import type { EntityManager } from 'typeorm';
import type { SagaStepRecord } from './saga-record.js';
import type { SagaStatus } from './saga-status.js';

/** A saga's move as committed in this process: enough for a reader to follow it unread. */
export interface SagaMove {
  sagaId: string;
  /** The version it moved from, and to: equal when only its timeline grew (an ignored reply). */
  from: number;
  to: number;
  status: SagaStatus;
  /** The timeline rows it wrote, in order, with their ids; undefined when not known here. */
  steps?: SagaStepRecord[];
}

/**
 * Tells this process's readers (a saga's live event stream) that a saga moved, and how, once the
 * transition committed here, so they follow it without a query. A transition committed by
 * another instance is not seen here: readers still poll, but slowly.
 */
@Injectable()
export class SagaChanges {
  private readonly changed = new Subject<SagaMove>();

  constructor(private readonly afterCommit: AfterCommit) {}

  /** Says the saga moved once `manager`'s transaction commits. */
  moved(manager: EntityManager, move: SagaMove): void {
    this.afterCommit.run(manager, () => this.changed.next(move));
  }

  /** Each move of saga `id` committed in this process. */
  of(id: string): Observable<SagaMove> {
    return this.changed.pipe(filter((move) => move.sagaId === id));
  }
}
