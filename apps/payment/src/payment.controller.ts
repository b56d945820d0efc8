import { Controller, Get, NotFoundException, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { payment } from '@app/contracts';
import { Roles } from '@app/identity';
import { Handles, type MessageContext } from '@app/messaging';
import { Uuid, ZodValidationPipe } from '@app/validation';
import { CancelPaymentCommand } from './commands/cancel-payment.handler.js';
import { ChargePaymentCommand } from './commands/charge-payment.handler.js';
import { RefundPaymentCommand } from './commands/refund-payment.handler.js';
import { ScreenPaymentCommand } from './commands/screen-payment.handler.js';
import type { PaymentView } from './payment.view.js';
import { GetPaymentQuery } from './queries/get-payment.handler.js';

/**
 * The payment commands, each recorded by its handler in the message's transaction (the provider
 * is called after the commit, by PaymentSettlement, which then replies), and an operator's
 * read of an order's payment (no public route).
 */
@Controller('payments')
export class PaymentController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
  ) {}

  @Handles(payment.ChargePayment)
  charge(
    command: payment.ChargePayment,
    context: MessageContext,
  ): Promise<payment.PaymentCharged | undefined> {
    return this.commandBus.execute(new ChargePaymentCommand(command, context));
  }

  @Handles(payment.CancelPayment)
  cancel(
    command: payment.CancelPayment,
    context: MessageContext,
  ): Promise<payment.PaymentCancelled | undefined> {
    return this.commandBus.execute(new CancelPaymentCommand(command, context));
  }

  @Handles(payment.ScreenPayment)
  screen(command: payment.ScreenPayment): Promise<payment.PaymentScreened> {
    return this.commandBus.execute(new ScreenPaymentCommand(command));
  }

  @Handles(payment.RefundPayment)
  refund(
    command: payment.RefundPayment,
    context: MessageContext,
  ): Promise<payment.PaymentRefunded | undefined> {
    return this.commandBus.execute(new RefundPaymentCommand(command, context));
  }

  @Get()
  @Roles('admin')
  async find(
    @Query('orderId', new ZodValidationPipe(Uuid, 'order id', 'orderId')) orderId: string,
  ): Promise<PaymentView> {
    const found = await this.queryBus.execute(new GetPaymentQuery(orderId));
    if (!found) throw new NotFoundException(`No payment for order ${orderId}`);
    return found;
  }
}
