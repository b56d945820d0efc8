import { ForbiddenException, Injectable } from '@nestjs/common';
import { actsFor, type Principal } from '@app/identity';
import { SagaEngine, type StartOptions, type Started } from '@app/saga';

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
 * with the caller's token checked again (a customer acts only for itself). The engine's refusals
 * (a key reused for another request, a saga of the type already under way on the subject) go to
 * `SagaErrorsFilter`.
 */
@Injectable()
export class SagaStarter {
  constructor(private readonly engine: SagaEngine) {}

  start<S extends object>(caller: Principal, start: SagaStart<S>): Promise<Started<S>> {
    const { saga, state, customerId, subject, idempotency } = start;
    if (!actsFor(caller, customerId)) {
      throw new ForbiddenException('A customer acts only for itself');
    }
    // Scoped to the customer and the saga: a key another customer guessed or squats is another
    // key, and so is the same key sent to place and then to cancel an order.
    const scoped = idempotency && {
      ...idempotency,
      key: `${customerId}/${saga}/${idempotency.key}`,
    };
    return this.engine.start(saga, state, { customerId, subject, idempotency: scoped });
  }
}
