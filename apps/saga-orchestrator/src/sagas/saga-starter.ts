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
    const { saga, state, subject } = start;
    const customerId = customerActedFor(caller, start.customerId);
    const idempotency = start.idempotency && scopedKey(customerId, saga, start.idempotency);
    return this.engine.start(saga, state, { customerId, subject, idempotency });
  }

  /**
   * The answer a start under the same key gave, without starting anything: 404 when no saga was
   * started under it (see `SagaEngine.replay`).
   */
  replay<S extends object>(
    caller: Principal,
    start: Pick<SagaStart<S>, 'saga' | 'customerId'> & {
      idempotency: NonNullable<SagaStart<S>['idempotency']>;
    },
  ): Promise<Started<S>> {
    const customerId = customerActedFor(caller, start.customerId);
    return this.engine.replay(scopedKey(customerId, start.saga, start.idempotency));
  }
}

/**
 * Scoped to the customer and the saga: a key another customer guessed or squats is another key,
 * and so is the same key sent to place and then to cancel an order.
 */
function scopedKey(
  customerId: string,
  saga: string,
  idempotency: { key: string; fingerprint: string },
): { key: string; fingerprint: string } {
  return { ...idempotency, key: `${customerId}/${saga}/${idempotency.key}` };
}
