import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  OrderApprovedEvent,
  OrderCancellationAbortedEvent,
  OrderCancellationBegunEvent,
  OrderCancelledEvent,
} from '../events/order.events.js';
import type { Order } from '../order.entity.js';
import { anOrder, CANCEL_WINDOW_MS, orderTestbed, type OrderTestbed } from '../order.testbed.js';
import {
  AbortOrderCancellationCommand,
  AbortOrderCancellationHandler,
} from './abort-order-cancellation.handler.js';
import { ApproveOrderCommand, ApproveOrderHandler } from './approve-order.handler.js';
import {
  BeginOrderCancellationCommand,
  BeginOrderCancellationHandler,
} from './begin-order-cancellation.handler.js';
import {
  CompleteOrderCancellationCommand,
  CompleteOrderCancellationHandler,
} from './complete-order-cancellation.handler.js';

describe('cancelling an approved order', () => {
  let bed: OrderTestbed;
  let approved: Order;
  const cancellationId = randomUUID();

  beforeEach(async () => {
    bed = await orderTestbed([
      ApproveOrderHandler,
      BeginOrderCancellationHandler,
      AbortOrderCancellationHandler,
      CompleteOrderCancellationHandler,
    ]);
    approved = anOrder();
    await bed.orders.insertIfAbsent(approved);
    await bed.commandBus.execute(new ApproveOrderCommand({ orderId: approved.id }, bed.manager));
  });

  const statusOf = (orderId: string) => bed.orders.rows.get(orderId)?.status;
  const begin = (
    orderId = approved.id,
    { id = cancellationId, customerId = approved.customerId ?? '', now = new Date() } = {},
  ) =>
    bed.commandBus.execute(
      new BeginOrderCancellationCommand(
        { orderId, customerId, cancellationId: id },
        bed.manager,
        now,
      ),
    );
  const abort = (reason = 'refund refused', id = cancellationId) =>
    bed.commandBus.execute(
      new AbortOrderCancellationCommand(
        { orderId: approved.id, cancellationId: id, reason },
        bed.manager,
      ),
    );
  const complete = () =>
    bed.commandBus.execute(
      new CompleteOrderCancellationCommand({ orderId: approved.id }, bed.manager),
    );

  it('opens the cancel window on approval', () => {
    const until = bed.orders.rows.get(approved.id)?.cancellableUntil?.getTime() ?? 0;
    expect(until - Date.now()).toBeGreaterThan(CANCEL_WINDOW_MS - 60_000);
  });

  it('locks the order CANCELLING, then CANCELLED; repeats change nothing', async () => {
    await expect(begin()).resolves.toEqual({ orderId: approved.id, status: 'CANCELLING' });
    await expect(begin()).resolves.toEqual({ orderId: approved.id, status: 'CANCELLING' });
    await expect(complete()).resolves.toEqual({ orderId: approved.id, status: 'CANCELLED' });
    await expect(complete()).resolves.toEqual({ orderId: approved.id, status: 'CANCELLED' });

    expect(statusOf(approved.id)).toBe('CANCELLED');
    expect(bed.published).toEqual([
      new OrderApprovedEvent(approved.id),
      new OrderCancellationBegunEvent(approved.id, cancellationId),
      new OrderCancelledEvent(approved.id),
    ]);
  });

  it('refuses a second cancellation while the first holds the lock', async () => {
    await begin();
    await expect(begin(approved.id, { id: randomUUID() })).rejects.toMatchObject({
      code: 'order.not-approved',
      message: `order ${approved.id} is CANCELLING: only an APPROVED order can be cancelled`,
    });
  });

  it('refuses a pending order, another customer’s order and a closed window', async () => {
    const pending = anOrder();
    await bed.orders.insertIfAbsent(pending);
    await expect(begin(pending.id, { customerId: pending.customerId ?? '' })).rejects.toMatchObject(
      { code: 'order.not-approved' },
    );
    await expect(begin(approved.id, { customerId: randomUUID() })).rejects.toMatchObject({
      code: 'order.not-found',
    });
    const later = new Date(Date.now() + CANCEL_WINDOW_MS + 60_000);
    await expect(begin(approved.id, { now: later })).rejects.toMatchObject({
      code: 'order.cancel-window-passed',
    });
    expect(statusOf(approved.id)).toBe('APPROVED');
  });

  it('returns an order whose cancellation failed to APPROVED, with the reason', async () => {
    await begin();
    await expect(abort('the refund was refused')).resolves.toEqual({
      orderId: approved.id,
      status: 'APPROVED',
    });
    expect(bed.orders.rows.get(approved.id)).toMatchObject({
      status: 'APPROVED',
      cancellationFailure: 'the refund was refused',
    });
    expect(bed.published.at(-1)).toEqual(
      new OrderCancellationAbortedEvent(approved.id, 'the refund was refused'),
    );
  });

  it('fences a begin that arrives after its abort', async () => {
    await abort('timed out');
    await expect(begin()).rejects.toMatchObject({ code: 'order.cancellation-fenced' });
    expect(statusOf(approved.id)).toBe('APPROVED');
  });

  it('refuses to mark an order cancelled that no cancellation locked', async () => {
    await expect(complete()).rejects.toMatchObject({ code: 'order.not-cancelling' });
  });
});
