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
    const existing = await this.credit.findReservation(orderId, manager);
    if (existing) return existing.answerRepeatedReserve();

    if (!(await this.credit.debit(customerId, total, manager))) {
      const customer = await this.credit.findCustomer(customerId, manager);
      throw customer ? customer.refusalOf(total) : new UnknownCustomerError(customerId);
    }
    const reservationId = randomUUID();
    await this.credit.insertReservation(
      {
        id: reservationId,
        orderId,
        customerId,
        amount: total.amount,
        currency: total.currency,
        status: 'RESERVED',
      },
      manager,
    );
    this.events.publishAfterCommit(
      manager,
      new CreditReservedEvent(reservationId, orderId, customerId, total),
    );
    return { reservationId, orderId, customerId, amount: total };
  }
}
