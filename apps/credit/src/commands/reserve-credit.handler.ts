import { randomUUID } from 'node:crypto';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { credit } from '@app/contracts';
import type { EntityManager } from 'typeorm';
import { CreditRepository } from '../credit.repository.js';
import { AfterCommitPublisher } from '@app/persistence';
import { CreditReservedEvent } from '../events/credit.events.js';
import { UnknownCustomerError } from '../unknown-customer.error.js';

/** Reserves credit for an order, in the transaction `manager` belongs to. */
export class ReserveCreditCommand extends Command<credit.CreditReserved> {
  constructor(
    readonly payload: credit.ReserveCredit,
    readonly manager: EntityManager,
  ) {
    super();
  }
}

/**
 * Takes the order's total from the customer's available credit and holds it as the order's one
 * reservation. The same order again gets the same reservation; one released or fenced meanwhile
 * is refused. Too little credit, another currency or an unknown customer is a refusal.
 */
@CommandHandler(ReserveCreditCommand)
export class ReserveCreditHandler implements ICommandHandler<ReserveCreditCommand> {
  constructor(
    private readonly credit: CreditRepository,
    private readonly events: AfterCommitPublisher,
  ) {}

  async execute({ payload, manager }: ReserveCreditCommand): Promise<credit.CreditReserved> {
    const { orderId, customerId, total } = payload;
    const reservationId = randomUUID();
    const attempt = await this.credit.reserve(
      { id: reservationId, orderId, customerId, total },
      manager,
    );
    if (attempt.outcome === 'held') return attempt.reservation.answerRepeatedReserve();
    if (attempt.outcome === 'refused') {
      // Refusals are rare: only now is the customer read, to say why.
      const customer = await this.credit.findCustomer(customerId, manager);
      throw customer ? customer.refusalOf(total) : new UnknownCustomerError(customerId);
    }
    this.events.publishAfterCommit(
      manager,
      new CreditReservedEvent(reservationId, orderId, customerId, total),
    );
    return { reservationId, orderId, customerId, amount: total };
  }
}
