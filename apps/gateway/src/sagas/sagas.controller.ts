import type { ServerResponse } from 'node:http';
import { Controller, Get, HttpCode, HttpStatus, Param, Post, Query, Res } from '@nestjs/common';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { Roles } from '../auth/roles.decorator.js';
import { relayEventStream } from '../upstream/event-stream.relay.js';
import { Forwarded, type ForwardedContext } from '../upstream/forwarded-context.js';
import { Uuid } from '../validation/uuid.schema.js';
import { ZodValidationPipe } from '../validation/zod-validation.pipe.js';
import { ListSagasQuery } from './list-sagas.query.js';
import { SagasService } from './sagas.service.js';

const sagaId = new ZodValidationPipe(Uuid, 'saga id', 'id');

@Controller('api/sagas')
export class SagasController {
  constructor(private readonly sagas: SagasService) {}

  @Get()
  @Roles('admin')
  list(
    @Query(new ZodValidationPipe(ListSagasQuery, 'query')) query: ListSagasQuery,
    @Forwarded() context: ForwardedContext,
  ): Promise<unknown> {
    return this.sagas.list(query, context);
  }

  @Get(':id')
  @Roles('customer', 'admin')
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
  async events(
    @CurrentPrincipal() principal: Principal,
    @Param('id', sagaId) id: string,
    @Forwarded() context: ForwardedContext,
    @Res() response: ServerResponse,
  ): Promise<void> {
    relayEventStream(await this.sagas.events(principal, id, context), response);
  }

  @Post(':id/retry')
  @Roles('admin')
  @HttpCode(HttpStatus.ACCEPTED)
  retry(@Param('id', sagaId) id: string, @Forwarded() context: ForwardedContext): Promise<unknown> {
    return this.sagas.act('retry', id, context);
  }

  @Post(':id/compensate')
  @Roles('admin')
  @HttpCode(HttpStatus.ACCEPTED)
  compensate(
    @Param('id', sagaId) id: string,
    @Forwarded() context: ForwardedContext,
  ): Promise<unknown> {
    return this.sagas.act('compensate', id, context);
  }
}
