import { Injectable } from '@nestjs/common';
import { AfterCommit } from '@app/persistence';
import { filter, map, Subject, type Observable } from 'rxjs';
import type { EntityManager } from 'typeorm';

/**
 * Tells this process's readers (a saga's live event stream) that a saga moved, once the
 * transition committed here, so they read at once instead of polling. A transition committed by
 * another instance is not seen here: readers still poll, but slowly.
 */
@Injectable()
export class SagaChanges {
  private readonly changed = new Subject<string>();

  constructor(private readonly afterCommit: AfterCommit) {}

  /** Says saga `id` moved once `manager`'s transaction commits. */
  moved(manager: EntityManager, id: string): void {
    this.afterCommit.run(manager, () => this.changed.next(id));
  }

  /** Emits each time saga `id` moved in this process. */
  of(id: string): Observable<void> {
    return this.changed.pipe(
      filter((changed) => changed === id),
      map(() => undefined),
    );
  }
}
