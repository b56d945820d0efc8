import { Injectable } from '@nestjs/common';
import { customerActedFor, type Principal } from '@app/identity';
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
    const { saga, state, subject, idempotency } = start;
    const customerId = customerActedFor(caller, start.customerId);
    // Scoped to the customer and the saga: a key another customer guessed or squats is another
    // key, and so is the same key sent to place and then to cancel an order.
    const scoped = idempotency && {
      ...idempotency,
      key: `${customerId}/${saga}/${idempotency.key}`,
    };
    return this.engine.start(saga, state, { customerId, subject, idempotency: scoped });
  }
}
