import { BadRequestException, Controller, Get, NotFoundException, Query } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { payment } from '@app/contracts';
import { Roles } from '@app/identity';
import { Handles, type MessageContext } from '@app/messaging';
import { z } from 'zod';
import { CancelPaymentCommand } from './commands/cancel-payment.handler.js';
import { ChargePaymentCommand } from './commands/charge-payment.handler.js';
import type { PaymentView } from './payment.view.js';
import { GetPaymentQuery } from './queries/get-payment.handler.js';

const OrderIdQuery = z.uuid();

/**
 * The payment commands, each run by its handler in the message's transaction, and an operator's
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
    { manager }: MessageContext,
  ): Promise<payment.PaymentCharged> {
    return this.commandBus.execute(new ChargePaymentCommand(command, manager));
  }

  @Handles(payment.CancelPayment)
  cancel(
    command: payment.CancelPayment,
    { manager }: MessageContext,
  ): Promise<payment.PaymentCancelled> {
    return this.commandBus.execute(new CancelPaymentCommand(command, manager));
  }

  @Get()
  @Roles('admin')
  async find(@Query('orderId') orderId: unknown): Promise<PaymentView> {
    const parsed = OrderIdQuery.safeParse(orderId);
    if (!parsed.success) throw new BadRequestException('orderId must be a UUID');
    const found = await this.queryBus.execute(new GetPaymentQuery(parsed.data));
    if (!found) throw new NotFoundException(`No payment for order ${parsed.data}`);
    return found;
  }
}
