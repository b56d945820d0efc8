import { BadRequestException, Controller, Get, NotFoundException, Query } from '@nestjs/common';
import { payment, type Money } from '@app/contracts';
import { Roles } from '@app/identity';
import { Handles, type MessageContext } from '@app/messaging';
import { z } from 'zod';
import type { Payment, PaymentStatus } from './payment.entity.js';
import { PaymentService } from './payment.service.js';

/** What `GET /payments?orderId=` answers; `amount` is null on a FENCED payment. */
export interface PaymentView {
  id: string;
  orderId: string;
  status: PaymentStatus;
  amount: Money | null;
  providerReference: string | null;
  /** Why a DECLINED payment was refused; null otherwise. */
  failure: { code: string; reason: string } | null;
  createdAt: string;
  updatedAt: string;
}

const OrderIdQuery = z.uuid();

/** The payment commands, and an operator's read of an order's payment (no public route). */
@Controller('payments')
export class PaymentController {
  constructor(private readonly payments: PaymentService) {}

  @Handles(payment.ChargePayment)
  charge(
    command: payment.ChargePayment,
    { manager }: MessageContext,
  ): Promise<payment.PaymentCharged> {
    return this.payments.charge(command, manager);
  }

  @Handles(payment.CancelPayment)
  cancel(
    command: payment.CancelPayment,
    { manager }: MessageContext,
  ): Promise<payment.PaymentCancelled> {
    return this.payments.cancel(command, manager);
  }

  @Get()
  @Roles('admin')
  async find(@Query('orderId') orderId: unknown): Promise<PaymentView> {
    const parsed = OrderIdQuery.safeParse(orderId);
    if (!parsed.success) throw new BadRequestException('orderId must be a UUID');
    const found = await this.payments.findByOrderId(parsed.data);
    if (!found) throw new NotFoundException(`No payment for order ${parsed.data}`);
    return toView(found);
  }
}

function toView(found: Payment): PaymentView {
  return {
    id: found.id,
    orderId: found.orderId,
    status: found.status,
    amount:
      found.amount === null || found.currency === null
        ? null
        : { amount: found.amount, currency: found.currency },
    providerReference: found.providerReference,
    failure:
      found.failureCode === null || found.failureReason === null
        ? null
        : { code: found.failureCode, reason: found.failureReason },
    createdAt: found.createdAt.toISOString(),
    updatedAt: found.updatedAt.toISOString(),
  };
}
