import {
  Body,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { CurrentPrincipal, type Principal, Roles } from '@app/identity';
import { Uuid, ZodValidationPipe } from '@app/validation';
import { BulkActionAnswer, SagaActionAnswer, SagaAnswer, SagaPage } from '../docs/api-schemas.js';
import {
  ApiAnswer,
  ApiCaller,
  ApiErrors,
  ApiJsonBody,
  ApiQueryOf,
  ApiUuidParam,
} from '../docs/api-docs.decorators.js';
import { relayEventStream } from '../upstream/event-stream.relay.js';
import { Forwarded, type ForwardedContext } from '../upstream/forwarded-context.js';
import { BulkActionRequest } from './bulk-action.request.js';
import { EventStreamSlots } from './event-stream-slots.js';
import { ListSagasQuery } from './list-sagas.query.js';
import { SagasService } from './sagas.service.js';

const sagaId = new ZodValidationPipe(Uuid, 'saga id', 'id');
const stepName = new ZodValidationPipe(z.string().min(1).max(200), 'step name', 'step');

@ApiTags('sagas')
@ApiCaller()
@Controller('api/sagas')
export class SagasController {
  constructor(
    private readonly sagas: SagasService,
    private readonly streamSlots: EventStreamSlots,
  ) {}

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'A page of sagas, by status and age (admin)' })
  @ApiQueryOf(ListSagasQuery)
  @ApiAnswer(HttpStatus.OK, 'A page of sagas', SagaPage)
  @ApiErrors(HttpStatus.FORBIDDEN)
  list(
    // Typed through z.infer so the reflected type is Object, not the schema: ApiQueryOf documents it.
    @Query(new ZodValidationPipe(ListSagasQuery, 'query')) query: z.infer<typeof ListSagasQuery>,
    @Forwarded() context: ForwardedContext,
  ): Promise<unknown> {
    return this.sagas.list(query, context);
  }

  @Post('bulk-actions')
  @Roles('admin')
  @ApiOperation({
    summary: 'Retry or compensate every saga a filter finds, or preview them (admin)',
    description:
      'Filter by type, status, the step the saga is at, and creation time (at least one). A dry run answers 200 with the sagas it would touch; otherwise each is acted on in turn (at most 100 per call) and the answer, 202, gives each one’s outcome. Every action is recorded on its saga’s timeline with who asked.',
  })
  @ApiJsonBody(BulkActionRequest)
  @ApiAnswer(HttpStatus.OK, 'Dry run: the sagas it would touch', BulkActionAnswer)
  @ApiAnswer(HttpStatus.ACCEPTED, 'The actions were taken: each saga’s outcome', BulkActionAnswer)
  @ApiErrors(HttpStatus.FORBIDDEN)
  async bulk(
    @Body(new ZodValidationPipe(BulkActionRequest, 'bulk action')) body: BulkActionRequest,
    @Forwarded() context: ForwardedContext,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    // The status is the orchestrator's: 200 for a dry run, 202 once the actions were taken.
    const { status, body: answer } = await this.sagas.bulk(body, context);
    reply.status(status);
    return answer;
  }

  @Get(':id')
  @Roles('customer', 'admin')
  @ApiOperation({ summary: 'A saga and its timeline (its customer, admin)' })
  @ApiUuidParam('id', 'The saga')
  @ApiAnswer(HttpStatus.OK, 'The saga', SagaAnswer)
  @ApiErrors(HttpStatus.NOT_FOUND)
  get(
    @CurrentPrincipal() principal: Principal,
    @Param('id', sagaId) id: string,
    @Forwarded() context: ForwardedContext,
  ): Promise<unknown> {
    return this.sagas.get(principal, id, context);
  }

  /** Server-sent events, one per transition, relayed from the orchestrator as they come. */
  @Get(':id/events')
  @Roles('customer', 'admin')
  @ApiOperation({ summary: 'Server-sent events, one per transition (its customer, admin)' })
  @ApiUuidParam('id', 'The saga')
  @ApiAnswer(HttpStatus.OK, 'An event stream that ends when the saga does', undefined, {
    content: { 'text/event-stream': { schema: { type: 'string' } } },
  })
  @ApiErrors(HttpStatus.NOT_FOUND, HttpStatus.TOO_MANY_REQUESTS)
  async events(
    @CurrentPrincipal() principal: Principal,
    @Param('id', sagaId) id: string,
    @Forwarded() context: ForwardedContext,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const release = this.streamSlots.take(principal);
    reply.raw.on('close', release);
    try {
      relayEventStream(await this.sagas.events(id, context), reply);
    } catch (error) {
      release();
      throw error;
    }
  }

  @Post(':id/retry')
  @Roles('admin')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Retry a FAILED saga’s compensation (admin)' })
  @ApiUuidParam('id', 'The saga')
  @ApiAnswer(HttpStatus.ACCEPTED, 'The retry is under way', SagaActionAnswer)
  @ApiErrors(HttpStatus.FORBIDDEN, HttpStatus.NOT_FOUND, HttpStatus.CONFLICT)
  retry(@Param('id', sagaId) id: string, @Forwarded() context: ForwardedContext): Promise<unknown> {
    return this.sagas.act('retry', id, context);
  }

  @Post(':id/restart-from/:step')
  @Roles('admin')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Re-run a stuck saga from a named step, on its own version (admin)',
    description:
      'Recorded on its timeline. Refused (409) for a step before a pivot that succeeded, a step not reached yet, or a finished saga.',
  })
  @ApiUuidParam('id', 'The saga')
  @ApiParam({ name: 'step', description: 'The step’s name, URL-encoded (`release%20credit`)' })
  @ApiAnswer(HttpStatus.ACCEPTED, 'The saga runs again from that step', SagaActionAnswer)
  @ApiErrors(HttpStatus.FORBIDDEN, HttpStatus.NOT_FOUND, HttpStatus.CONFLICT)
  restartFrom(
    @Param('id', sagaId) id: string,
    @Param('step', stepName) step: string,
    @Forwarded() context: ForwardedContext,
  ): Promise<unknown> {
    return this.sagas.act(`restart-from/${encodeURIComponent(step)}`, id, context);
  }

  @Post(':id/compensate')
  @Roles('admin')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Compensate a saga now (admin)' })
  @ApiUuidParam('id', 'The saga')
  @ApiAnswer(HttpStatus.ACCEPTED, 'The compensation is under way', SagaActionAnswer)
  @ApiErrors(HttpStatus.FORBIDDEN, HttpStatus.NOT_FOUND, HttpStatus.CONFLICT)
  compensate(
    @Param('id', sagaId) id: string,
    @Forwarded() context: ForwardedContext,
  ): Promise<unknown> {
    return this.sagas.act('compensate', id, context);
  }
}
