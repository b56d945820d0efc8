import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { PaymentRepository } from '../payment.repository.js';
import { paymentView, type PaymentView } from '../payment.view.js';

/** The payment of an order, for an operator; undefined when the order has none. */
export class GetPaymentQuery extends Query<PaymentView | undefined> {
  constructor(readonly orderId: string) {
    super();
  }
}

@QueryHandler(GetPaymentQuery)
export class GetPaymentHandler implements IQueryHandler<GetPaymentQuery> {
  constructor(private readonly payments: PaymentRepository) {}

  async execute({ orderId }: GetPaymentQuery): Promise<PaymentView | undefined> {
    const found = await this.payments.findByOrderId(orderId);
    return found ? paymentView(found) : undefined;
  }
}
