import { Controller, Get, HttpCode, Param, Post, Query, UseFilters } from '@nestjs/common';
import { Roles } from '@app/identity';
import { Uuid, ZodValidationPipe } from '@app/validation';
import { SagaErrorsFilter } from '../errors/saga-errors.filter.js';
import { cursorOf, DeadLetterListQuery } from './dead-letter-list.query.js';
import { DeadLetterStore } from './dead-letter-store.js';
import { viewOf, type DeadLetterView } from './dead-letter.view.js';
import { DeadLettersService } from './dead-letters.service.js';

const DeadLetterId = new ZodValidationPipe(Uuid, 'dead letter id', 'id');

/** The operator's view of dead letters, behind the gateway: admins only. */
@Controller('dead-letters')
@Roles('admin')
@UseFilters(SagaErrorsFilter)
export class DeadLettersController {
  constructor(
    private readonly store: DeadLetterStore,
    private readonly deadLetters: DeadLettersService,
  ) {}

  /** Newest first. */
  @Get()
  async list(
    @Query(new ZodValidationPipe(DeadLetterListQuery, 'query')) query: DeadLetterListQuery,
  ): Promise<{ items: DeadLetterView[]; nextCursor: string | null }> {
    const records = await this.store.list({
      queue: query.queue,
      status: query.status,
      after: query.cursor,
      limit: query.limit + 1,
    });
    const page = records.slice(0, query.limit);
    const last = page.at(-1);
    const now = new Date();
    return {
      items: page.map((record) => viewOf(record, now)),
      nextCursor:
        records.length > query.limit && last ? cursorOf(last.deadLetteredAt, last.id) : null,
    };
  }

  /** 202: the message is on its way back through the outbox. */
  @Post(':id/replay')
  @HttpCode(202)
  async replay(@Param('id', DeadLetterId) id: string): Promise<DeadLetterView> {
    return viewOf(await this.deadLetters.replay(id));
  }

  @Post(':id/discard')
  @HttpCode(200)
  async discard(@Param('id', DeadLetterId) id: string): Promise<DeadLetterView> {
    return viewOf(await this.deadLetters.discard(id));
  }
}
