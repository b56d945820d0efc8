import { Controller, Get, HttpCode, HttpStatus, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Roles } from '@app/identity';
import { Uuid, ZodValidationPipe } from '@app/validation';
import { DeadLetterAnswer, DeadLetterPage } from '../docs/api-schemas.js';
import {
  ApiAnswer,
  ApiCaller,
  ApiErrors,
  ApiQueryOf,
  ApiUuidParam,
} from '../docs/api-docs.decorators.js';
import { Forwarded, type ForwardedContext } from '../upstream/forwarded-context.js';
import { DeadLettersService } from './dead-letters.service.js';
import { ListDeadLettersQuery } from './list-dead-letters.query.js';

const deadLetterId = new ZodValidationPipe(Uuid, 'dead letter id', 'id');

/** Messages no consumer could handle, for an operator to inspect, replay or discard. */
@ApiTags('dead-letters')
@ApiCaller()
@ApiErrors(HttpStatus.FORBIDDEN)
@Roles('admin')
@Controller('api/dead-letters')
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLettersService) {}

  @Get()
  @ApiOperation({
    summary: 'A page of dead letters, newest first, by queue and status (admin)',
    description:
      'Each with the queue it failed in, why, its message type, its saga and its age. Pending ones unless `status` says otherwise.',
  })
  @ApiQueryOf(ListDeadLettersQuery)
  @ApiAnswer(HttpStatus.OK, 'A page of dead letters', DeadLetterPage)
  list(
    // Typed through z.infer so the reflected type is Object, not the schema: ApiQueryOf documents it.
    @Query(new ZodValidationPipe(ListDeadLettersQuery, 'query'))
    query: z.infer<typeof ListDeadLettersQuery>,
    @Forwarded() context: ForwardedContext,
  ): Promise<unknown> {
    return this.deadLetters.list(query, context);
  }

  @Post(':id/replay')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({
    summary: 'Send a dead letter again to the queue it failed in (admin)',
    description:
      'The same message, with its message id: a consumer that had handled it after all skips it. 409 when it was already replayed or discarded, or is not a message the system sent.',
  })
  @ApiUuidParam('id', 'The dead letter')
  @ApiAnswer(HttpStatus.ACCEPTED, 'The message is on its way back', DeadLetterAnswer)
  @ApiErrors(HttpStatus.NOT_FOUND, HttpStatus.CONFLICT)
  replay(
    @Param('id', deadLetterId) id: string,
    @Forwarded() context: ForwardedContext,
  ): Promise<unknown> {
    return this.deadLetters.act('replay', id, context);
  }

  @Post(':id/discard')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Give up on a dead letter: no longer listed as pending, kept for the audit (admin)',
  })
  @ApiUuidParam('id', 'The dead letter')
  @ApiAnswer(HttpStatus.OK, 'The dead letter, discarded', DeadLetterAnswer)
  @ApiErrors(HttpStatus.NOT_FOUND, HttpStatus.CONFLICT)
  discard(
    @Param('id', deadLetterId) id: string,
    @Forwarded() context: ForwardedContext,
  ): Promise<unknown> {
    return this.deadLetters.act('discard', id, context);
  }
}
