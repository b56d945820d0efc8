import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import type { Money } from '@app/contracts';
import { CreditRepository } from '../credit.repository.js';

/** A customer's credit as `GET /customers/:id/credit` answers it. */
export interface CreditView {
  customerId: string;
  creditLimit: Money;
  availableCredit: Money;
  reserved: Money;
}

/** The customer's credit now; undefined for an unknown customer. */
export class GetCustomerCreditQuery extends Query<CreditView | undefined> {
  constructor(readonly customerId: string) {
    super();
  }
}

@QueryHandler(GetCustomerCreditQuery)
export class GetCustomerCreditHandler implements IQueryHandler<GetCustomerCreditQuery> {
  constructor(private readonly credit: CreditRepository) {}

  async execute({ customerId }: GetCustomerCreditQuery): Promise<CreditView | undefined> {
    const found = await this.credit.findCredit(customerId);
    if (!found) return undefined;
    const { customer, reserved } = found;
    return {
      customerId,
      creditLimit: customer.money(customer.creditLimit),
      availableCredit: customer.money(customer.availableCredit),
      reserved: customer.money(reserved),
    };
  }
}
