import { randomUUID } from 'node:crypto';
import type { LoggerService, Type } from '@nestjs/common';
import { handlerTestbed, type HandlerTestbed } from '../../../test/support/handler-testbed.js';
import { InMemoryOrderRepository } from './in-memory-order.repository.js';
import { OrderCancelWindow } from './order-cancel-window.js';
import { Order } from './order.entity.js';
import { OrderRepository } from './order.repository.js';

/** The cancel window of the testbed's orders: an hour. */
export const CANCEL_WINDOW_MS = 3_600_000;

/** Order's handlers on the real @nestjs/cqrs buses over the in-memory repository. */
export interface OrderTestbed extends HandlerTestbed {
  orders: InMemoryOrderRepository;
}

/** For unit specs only: boots `handlers` with what they need; logs go to `logger` or nowhere. */
export async function orderTestbed(
  handlers: Type[],
  logger: LoggerService | false = false,
): Promise<OrderTestbed> {
  const orders = new InMemoryOrderRepository();
  const bed = await handlerTestbed(
    [
      ...handlers,
      { provide: OrderRepository, useValue: orders },
      { provide: OrderCancelWindow, useValue: new OrderCancelWindow(CANCEL_WINDOW_MS) },
    ],
    logger,
  );
  return { ...bed, orders };
}

/** An order as a row, PENDING unless told otherwise. */
export function anOrder(overrides: Partial<Order> = {}): Order {
  return Object.assign(new Order(), {
    id: randomUUID(),
    customerId: randomUUID(),
    totalAmount: 4200,
    totalCurrency: 'EUR',
    status: 'PENDING',
    rejectionReason: null,
    cancellableUntil: null,
    cancellationId: null,
    cancellationFailure: null,
    createdAt: new Date(),
    updatedAt: new Date(),
    ...overrides,
  } satisfies Order);
}
