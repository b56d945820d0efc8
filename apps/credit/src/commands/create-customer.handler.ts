import { randomUUID } from 'node:crypto';
import { Command, CommandHandler, EventBus, type ICommandHandler } from '@nestjs/cqrs';
import type { Money } from '@app/contracts';
import type { CreateCustomerRequest } from '../create-customer.request.js';
import { CreditRepository } from '../credit.repository.js';
import { Customer } from '../customer.entity.js';
import { CustomerCreatedEvent } from '../events/credit.events.js';

/** A new customer as `POST /customers` answers it. */
export interface CustomerView {
  id: string;
  name: string;
  creditLimit: Money;
  availableCredit: Money;
}

export class CreateCustomerCommand extends Command<CustomerView> {
  constructor(readonly request: CreateCustomerRequest) {
    super();
  }
}

/** Opens a customer's credit account with all of its limit available. */
@CommandHandler(CreateCustomerCommand)
export class CreateCustomerHandler implements ICommandHandler<CreateCustomerCommand> {
  constructor(
    private readonly credit: CreditRepository,
    private readonly eventBus: EventBus,
  ) {}

  async execute({ request }: CreateCustomerCommand): Promise<CustomerView> {
    const { name, creditLimit } = request;
    const customer = Object.assign(new Customer(), {
      id: randomUUID(),
      name,
      creditLimit: creditLimit.amount,
      availableCredit: creditLimit.amount,
      currency: creditLimit.currency,
    });
    await this.credit.insertCustomer(customer);
    // The insert committed on its own (no message transaction here), so the event may go now.
    this.eventBus.publish(new CustomerCreatedEvent(customer.id, creditLimit));
    return {
      id: customer.id,
      name: customer.name,
      creditLimit: customer.money(customer.creditLimit),
      availableCredit: customer.money(customer.availableCredit),
    };
  }
}
