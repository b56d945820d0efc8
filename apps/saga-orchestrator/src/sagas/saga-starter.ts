import {
  ConflictException,
  ForbiddenException,
  Injectable,
  UnprocessableEntityException,
} from '@nestjs/common';
import { actsFor, type Principal } from '@app/identity';
import {
  IdempotencyConflictError,
  SagaAlreadyRunningError,
  SagaEngine,
  type StartOptions,
  type Started,
} from '@app/saga';

/** What a start route asks for: which saga, for whom, on what, under which idempotency key. */
export interface SagaStart<S> {
  saga: string;
  state: S;
  customerId: string;
  /** What the saga acts on (`order:<id>`): one live saga of the type per subject. */
  subject: string;
  idempotency: StartOptions['idempotency'];
}

/**
 * The one way the start routes start a saga: on the newest version of the named definition,
 * with the caller's token checked again (a customer acts only for itself) and the engine's
 * refusals turned into HTTP answers (a key reused for another request: 422; a saga of the type
 * already under way on the subject: 409).
 */
@Injectable()
export class SagaStarter {
  constructor(private readonly engine: SagaEngine) {}

  async start<S extends object>(caller: Principal, start: SagaStart<S>): Promise<Started<S>> {
    const { saga, state, customerId, subject, idempotency } = start;
    if (!actsFor(caller, customerId)) {
      throw new ForbiddenException('A customer acts only for itself');
    }
    try {
      return await this.engine.start(saga, state, { customerId, subject, idempotency });
    } catch (error) {
      if (error instanceof IdempotencyConflictError) {
        throw new UnprocessableEntityException({
          statusCode: 422,
          error: 'Unprocessable Entity',
          message: error.message,
        });
      }
      if (error instanceof SagaAlreadyRunningError) {
        throw new ConflictException({ statusCode: 409, error: 'Conflict', message: error.message });
      }
      throw error;
    }
  }
}
