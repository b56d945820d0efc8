import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import type { order } from '@app/contracts';
import { DomainError } from '@app/messaging';
import { OrderRejectedEvent } from '../events/order.events.js';
import type { OrderStatus } from '../order.entity.js';
import { anOrder, orderTestbed, type OrderTestbed } from '../order.testbed.js';
import { RejectOrderCommand, RejectOrderHandler } from './reject-order.handler.js';

describe(RejectOrderHandler.name, () => {
  let bed: OrderTestbed;

  beforeEach(async () => {
    bed = await orderTestbed([RejectOrderHandler]);
  });

  const reject = (payload: order.RejectOrder) =>
    bed.commandBus.execute(new RejectOrderCommand(payload, bed.manager));

  async function anOrderThatIs(status: OrderStatus): Promise<string> {
    const existing = anOrder({ status });
    await bed.orders.insertIfAbsent(existing);
    return existing.id;
  }

  function statusOf(orderId: string) {
    const row = bed.orders.rows.get(orderId);
    return row && { status: row.status, rejectionReason: row.rejectionReason };
  }

  it('rejects a pending order with the reason, and says so', async () => {
    const orderId = await anOrderThatIs('PENDING');

    await expect(reject({ orderId, reason: 'insufficient credit' })).resolves.toEqual({
      orderId,
      status: 'REJECTED',
    });
    expect(statusOf(orderId)).toEqual({
      status: 'REJECTED',
      rejectionReason: 'insufficient credit',
    });
    expect(bed.published).toEqual([new OrderRejectedEvent(orderId, 'insufficient credit', false)]);
  });

  it('records a reason when none is given', async () => {
    const orderId = await anOrderThatIs('PENDING');
    await reject({ orderId });
    expect(statusOf(orderId)).toEqual({ status: 'REJECTED', rejectionReason: 'no reason given' });
  });

  it('succeeds again for a rejected order and keeps the first reason', async () => {
    const orderId = await anOrderThatIs('PENDING');
    await reject({ orderId, reason: 'first' });

    await expect(reject({ orderId, reason: 'second' })).resolves.toEqual({
      orderId,
      status: 'REJECTED',
    });
    expect(statusOf(orderId)?.rejectionReason).toBe('first');
    expect(bed.published).toHaveLength(1);
  });

  it('refuses an approved order', async () => {
    const orderId = await anOrderThatIs('APPROVED');

    const refusal = reject({ orderId });
    await expect(refusal).rejects.toBeInstanceOf(DomainError);
    await expect(refusal).rejects.toMatchObject({ code: 'order.not-pending' });
    expect(statusOf(orderId)?.status).toBe('APPROVED');
    expect(bed.published).toEqual([]);
  });

  it('records an unknown order as rejected, with customer and total unknown', async () => {
    const orderId = randomUUID();

    await expect(reject({ orderId, reason: 'create timed out' })).resolves.toEqual({
      orderId,
      status: 'REJECTED',
    });
    expect(bed.orders.rows.get(orderId)).toMatchObject({
      customerId: null,
      totalAmount: null,
      totalCurrency: null,
      status: 'REJECTED',
      rejectionReason: 'create timed out',
    });
    expect(bed.published).toEqual([new OrderRejectedEvent(orderId, 'create timed out', true)]);

    await expect(reject({ orderId })).resolves.toEqual({ orderId, status: 'REJECTED' });
    expect(bed.published).toHaveLength(1);
  });
});
