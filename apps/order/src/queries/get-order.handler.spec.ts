import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { anOrder, orderTestbed, type OrderTestbed } from '../order.testbed.js';
import { GetOrderHandler, GetOrderQuery } from './get-order.handler.js';

describe(GetOrderHandler.name, () => {
  let bed: OrderTestbed;

  beforeEach(async () => {
    bed = await orderTestbed([GetOrderHandler]);
  });

  const get = (orderId: string) => bed.queryBus.execute(new GetOrderQuery(orderId));

  it('shows an order with its total, and its rejection reason only when it has one', async () => {
    const pending = anOrder();
    const rejected = anOrder({ status: 'REJECTED', rejectionReason: 'card declined' });
    await bed.orders.insertIfAbsent(pending);
    await bed.orders.insertIfAbsent(rejected);

    const shown = await get(pending.id);
    expect(shown).toEqual({
      id: pending.id,
      customerId: pending.customerId,
      total: { amount: 4200, currency: 'EUR' },
      status: 'PENDING',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(shown).not.toHaveProperty('rejectionReason');
    expect(await get(rejected.id)).toMatchObject({
      status: 'REJECTED',
      rejectionReason: 'card declined',
    });
  });

  it('shows an order rejected before it was created without customer or total', async () => {
    const fence = anOrder({
      customerId: null,
      totalAmount: null,
      totalCurrency: null,
      status: 'REJECTED',
      rejectionReason: 'create timed out',
    });
    await bed.orders.insertIfAbsent(fence);

    expect(await get(fence.id)).toMatchObject({ customerId: null, total: null });
  });

  it('answers undefined for an unknown order', async () => {
    expect(await get(randomUUID())).toBeUndefined();
  });
});
