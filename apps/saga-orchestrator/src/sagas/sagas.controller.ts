import {
  ConflictException,
  Controller,
  Get,
  HttpCode,
  NotFoundException,
  Param,
  Post,
  Query,
  Sse,
  type MessageEvent,
} from '@nestjs/common';
import { actsFor, CurrentPrincipal, Roles, type Principal } from '@app/identity';
import {
  isTerminal,
  SagaChanges,
  SagaEngine,
  SagaNotFoundError,
  SagaQueries,
  SagaTransitionError,
  type SagaStatus,
} from '@app/saga';
import { auditTime, concatMap, from, interval, merge, Observable, of, takeWhile } from 'rxjs';
import { z } from 'zod';
import { ZodValidationPipe } from '../zod-validation.pipe.js';
import { cursorOf, SagaListQuery } from './saga-list.query.js';
import { stepOf, summaryOf, type SagaSummaryView, type SagaView } from './saga.view.js';

const SagaId = new ZodValidationPipe(z.uuid({ error: 'must be a saga id (uuid)' }));
const StepName = new ZodValidationPipe(z.string().min(1).max(200));
/**
 * A stream reads again as soon as its saga moves in this instance; this slow poll covers a saga
 * moved by another orchestrator instance.
 */
const EVENT_POLL_MS = 1000;
/** Transitions that come together (a reply and the command it sends) are read together. */
const COALESCE_MS = 2;

/**
 * Saga reads, the live timeline and operator actions, behind the gateway. The caller's token is
 * checked again here: a customer sees only its own sagas, and only an admin lists or acts.
 */
@Controller('sagas')
export class SagasController {
  constructor(
    private readonly queries: SagaQueries,
    private readonly engine: SagaEngine,
    private readonly changes: SagaChanges,
  ) {}

  @Get()
  @Roles('admin')
  async list(
    @Query(new ZodValidationPipe(SagaListQuery)) query: SagaListQuery,
  ): Promise<{ items: SagaSummaryView[]; nextCursor: string | null }> {
    const records = await this.queries.list({
      status: query.status,
      createdBefore: query.olderThan,
      after: query.cursor,
      limit: query.limit + 1,
    });
    const page = records.slice(0, query.limit);
    const last = page.at(-1);
    return {
      items: page.map(summaryOf),
      nextCursor: records.length > query.limit && last ? cursorOf(last.createdAt, last.id) : null,
    };
  }

  @Get(':id')
  async get(
    @CurrentPrincipal() caller: Principal,
    @Param('id', SagaId) id: string,
  ): Promise<SagaView> {
    const record = await this.queries.find(id);
    if (!record || !actsFor(caller, record.customerId)) throw notFound(id);
    const steps = await this.queries.steps(id);
    return { ...summaryOf(record), steps: steps.map(stepOf) };
  }

  /** One event per timeline entry, from the start; the stream ends when the saga does. */
  @Sse(':id/events')
  async events(
    @CurrentPrincipal() caller: Principal,
    @Param('id', SagaId) id: string,
  ): Promise<Observable<MessageEvent>> {
    const record = await this.queries.find(id);
    if (!record || !actsFor(caller, record.customerId)) throw notFound(id);
    let seen = 0;
    let ended = false;
    return merge(of(undefined), interval(EVENT_POLL_MS), this.changes.of(id)).pipe(
      auditTime(COALESCE_MS),
      takeWhile(() => !ended),
      concatMap(() =>
        from(
          (async () => {
            // The status first: once it is terminal, the entries read after it include every
            // one that led there, so the stream can end with them (read the other way round, a
            // transition committing between the two reads ended the stream without its entries).
            const status = (await this.queries.find(id))?.status;
            const steps = await this.queries.steps(id, seen);
            ended = !status || isTerminal(status);
            seen = steps.at(-1)?.id ?? seen;
            return steps;
          })(),
        ),
      ),
      concatMap((steps) =>
        from(
          steps.map((step) => ({
            id: String(step.id),
            type: 'transition',
            data: { sagaId: id, ...stepOf(step) },
          })),
        ),
      ),
    );
  }

  @Post(':id/retry')
  @Roles('admin')
  @HttpCode(202)
  retry(@Param('id', SagaId) id: string): Promise<{ id: string; status: SagaStatus }> {
    return this.operate(id, () => this.engine.retry(id));
  }

  /** Re-runs a stuck saga from a named step (URL-encoded), on its own definition version. */
  @Post(':id/restart-from/:step')
  @Roles('admin')
  @HttpCode(202)
  restartFrom(
    @Param('id', SagaId) id: string,
    @Param('step', StepName) step: string,
  ): Promise<{ id: string; status: SagaStatus }> {
    return this.operate(id, () => this.engine.restartFrom(id, step));
  }

  @Post(':id/compensate')
  @Roles('admin')
  @HttpCode(202)
  compensate(@Param('id', SagaId) id: string): Promise<{ id: string; status: SagaStatus }> {
    return this.operate(id, () => this.engine.compensate(id));
  }

  private async operate(
    id: string,
    action: () => Promise<void>,
  ): Promise<{ id: string; status: SagaStatus }> {
    try {
      await action();
    } catch (error) {
      if (error instanceof SagaNotFoundError) throw notFound(id);
      if (error instanceof SagaTransitionError) {
        throw new ConflictException({ statusCode: 409, error: 'Conflict', message: error.message });
      }
      throw error;
    }
    const record = await this.queries.find(id);
    return { id, status: record?.status ?? 'FAILED' };
  }
}

function notFound(id: string): NotFoundException {
  return new NotFoundException({
    statusCode: 404,
    error: 'Not Found',
    message: `Saga ${id} does not exist`,
  });
}
