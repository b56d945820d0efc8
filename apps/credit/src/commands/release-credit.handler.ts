import { randomUUID } from 'node:crypto';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { credit } from '@app/contracts';
import type { EntityManager } from 'typeorm';
import { CreditRepository } from '../credit.repository.js';
import { AfterCommitPublisher } from '@app/persistence';
import { CreditFencedEvent, CreditReleasedEvent } from '../events/credit.events.js';

/** Releases an order's credit, in the transaction `manager` belongs to. */
export class ReleaseCreditCommand extends Command<credit.CreditReleased> {
  constructor(
    readonly payload: credit.ReleaseCredit,
    readonly manager: EntityManager,
  ) {
    super();
  }
}

/**
 * Gives the order's credit back, once however often it is asked. With nothing reserved yet (the
 * reservation may have timed out and still be on its way), it fences the order instead, so the
 * late reservation is refused.
 */
@CommandHandler(ReleaseCreditCommand)
export class ReleaseCreditHandler implements ICommandHandler<ReleaseCreditCommand> {
  constructor(
    private readonly credit: CreditRepository,
    private readonly events: AfterCommitPublisher,
  ) {}

  async execute({ payload, manager }: ReleaseCreditCommand): Promise<credit.CreditReleased> {
    const { orderId, reservationId } = payload;
    const reservation = await this.credit.findReservationForUpdate(orderId, manager);
    if (!reservation) {
      await this.credit.insertReservation(
        {
          id: randomUUID(),
          orderId,
          customerId: null,
          amount: 0,
          currency: null,
          status: 'FENCED',
        },
        manager,
      );
      this.events.publishAfterCommit(manager, new CreditFencedEvent(orderId));
      return { orderId, outcome: 'fenced' };
    }

    reservation.assertReleasedAs(reservationId);
    if (reservation.status === 'RESERVED') {
      await this.credit.release(reservation, manager);
      reservation.status = 'RELEASED';
      this.events.publishAfterCommit(manager, new CreditReleasedEvent(reservation.id, orderId));
    }
    return reservation.releaseReply();
  }
}
