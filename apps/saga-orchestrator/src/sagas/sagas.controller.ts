import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
  Sse,
  UseFilters,
  type MessageEvent,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentPrincipal, Roles, visibleTo, type Principal } from '@app/identity';
import { SagaEngine, SagaNotFoundError, SagaQueries, type SagaStatus } from '@app/saga';
import { tap, type Observable } from 'rxjs';
import { z } from 'zod';
import { holdWritesForTurn } from '@app/runtime';
import { Uuid, ZodValidationPipe } from '@app/validation';
import { SagaErrorsFilter } from '../errors/saga-errors.filter.js';
import { BulkActionRequest } from './bulk-action.request.js';
import { SagaBulkActions, type BulkActionResult } from './saga-bulk-actions.js';
import { SagaEventStreams } from './saga-event-streams.js';
import { cursorOf, SagaListQuery } from './saga-list.query.js';
import { stepOf, summaryOf, traceIdOf, type SagaSummaryView, type SagaView } from './saga.view.js';

const SagaId = new ZodValidationPipe(Uuid, 'saga id', 'id');
const StepName = new ZodValidationPipe(z.string().min(1).max(200), 'step name', 'step');
/** A saga read shows at most this many timeline entries (the newest); the stream has them all. */
export const SAGA_READ_MAX_STEPS = 500;

/**
 * Saga reads, the live timeline and operator actions, behind the gateway. The caller's token is
 * checked again here: a customer sees only its own sagas, and only an admin lists or acts.
 */
@Controller('sagas')
@UseFilters(SagaErrorsFilter)
export class SagasController {
  constructor(
    private readonly queries: SagaQueries,
    private readonly engine: SagaEngine,
    private readonly streams: SagaEventStreams,
    private readonly bulkActions: SagaBulkActions,
  ) {}

  @Get()
  @Roles('admin')
  async list(
    @Query(new ZodValidationPipe(SagaListQuery, 'query')) query: SagaListQuery,
  ): Promise<{ items: SagaSummaryView[]; nextCursor: string | null }> {
    const records = await this.queries.list({
      status: query.status,
      sagaType: query.type,
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
    const record = visibleTo(caller, await this.queries.find(id), () => new SagaNotFoundError(id));
    const steps = await this.queries.steps(id, 0, SAGA_READ_MAX_STEPS + 1);
    const shown = steps.slice(0, SAGA_READ_MAX_STEPS).map(stepOf);
    const view = { ...summaryOf(record), traceId: traceIdOf(record.traceparent), steps: shown };
    // The rest of a very long timeline is on the event stream, which pages through it.
    return steps.length > SAGA_READ_MAX_STEPS ? { ...view, stepsTruncated: true } : view;
  }

  /**
   * One event per timeline entry, from the start; the stream ends when the saga does or at its
   * maximum lifetime, and a caller holds only a few at a time (429 beyond).
   */
  @Sse(':id/events')
  async events(
    @CurrentPrincipal() caller: Principal,
    @Param('id', SagaId) id: string,
    @Req() request: FastifyRequest,
  ): Promise<Observable<MessageEvent>> {
    // The caps first: a flood of streams beyond them costs no query.
    const events$ = await this.streams.open$(caller, id, async () => {
      visibleTo(caller, await this.queries.ownerOf(id), () => new SagaNotFoundError(id));
    });
    // The entries of one move (a reply taken, the next command sent) leave in one write.
    return events$.pipe(tap(() => holdWritesForTurn(request.socket)));
  }

  @Post(':id/retry')
  @Roles('admin')
  @HttpCode(202)
  retry(
    @CurrentPrincipal() caller: Principal,
    @Param('id', SagaId) id: string,
  ): Promise<{ id: string; status: SagaStatus }> {
    return this.operate(id, () => this.engine.retry(id, caller.subject));
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
  compensate(
    @CurrentPrincipal() caller: Principal,
    @Param('id', SagaId) id: string,
  ): Promise<{ id: string; status: SagaStatus }> {
    return this.operate(id, () => this.engine.compensate(id, caller.subject));
  }

  /** A dry run answers 200 with the sagas it would touch; a real one 202 with each outcome. */
  @Post('bulk-actions')
  @Roles('admin')
  async bulk(
    @CurrentPrincipal() caller: Principal,
    @Body(new ZodValidationPipe(BulkActionRequest, 'bulk action')) request: BulkActionRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<BulkActionResult> {
    const result = await this.bulkActions.run(request, caller.subject);
    reply.status(request.dryRun ? 200 : 202);
    return result;
  }

  private async operate(
    id: string,
    action: () => Promise<void>,
  ): Promise<{ id: string; status: SagaStatus }> {
    await action();
    const record = await this.queries.find(id);
    return { id, status: record?.status ?? 'FAILED' };
  }
}
