import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import type { order } from '@app/contracts';
import { DomainError } from '@app/messaging';
import { OrderCreatedEvent } from '../events/order.events.js';
import { anOrder, orderTestbed, type OrderTestbed } from '../order.testbed.js';
import {
  CreatePendingOrderCommand,
  CreatePendingOrderHandler,
} from './create-pending-order.handler.js';

function aCreatePendingOrder(overrides: Partial<order.CreatePendingOrder> = {}) {
  return {
    orderId: randomUUID(),
    customerId: randomUUID(),
    total: { amount: 4200, currency: 'EUR' },
    ...overrides,
  };
}

describe(CreatePendingOrderHandler.name, () => {
  let bed: OrderTestbed;

  beforeEach(async () => {
    bed = await orderTestbed([CreatePendingOrderHandler]);
  });

  const create = (payload: order.CreatePendingOrder) =>
    bed.commandBus.execute(new CreatePendingOrderCommand(payload, bed.manager));

  it('creates the order PENDING with its customer and total, and says so', async () => {
    const command = aCreatePendingOrder();

    await expect(create(command)).resolves.toEqual({
      orderId: command.orderId,
      status: 'PENDING',
    });
    expect(bed.orders.rows.get(command.orderId)).toMatchObject({
      customerId: command.customerId,
      totalAmount: 4200,
      totalCurrency: 'EUR',
      status: 'PENDING',
      rejectionReason: null,
    });
    expect(bed.published).toEqual([
      new OrderCreatedEvent(command.orderId, command.customerId, command.total),
    ]);
  });

  it('succeeds again for the same order with the same data, creating nothing new', async () => {
    const command = aCreatePendingOrder();
    await create(command);

    await expect(create(command)).resolves.toEqual({
      orderId: command.orderId,
      status: 'PENDING',
    });
    expect(bed.published).toHaveLength(1);
  });

  it.each([
    ['another customer', { customerId: randomUUID() }],
    ['another total', { total: { amount: 1, currency: 'EUR' } }],
    ['another currency', { total: { amount: 4200, currency: 'USD' } }],
  ])('refuses the same id with %s', async (_case, change) => {
    const command = aCreatePendingOrder();
    await create(command);

    const refusal = create({ ...command, ...change });
    await expect(refusal).rejects.toBeInstanceOf(DomainError);
    await expect(refusal).rejects.toMatchObject({
      code: 'order.already-exists',
      message: `order ${command.orderId} exists with another customer or total`,
    });
    expect(bed.published).toHaveLength(1);
  });

  it('refuses to reopen an order that was already decided', async () => {
    const approved = anOrder({ status: 'APPROVED' });
    await bed.orders.insertIfAbsent(approved);
    const command = aCreatePendingOrder({
      orderId: approved.id,
      customerId: approved.customerId ?? undefined,
    });

    await expect(create(command)).rejects.toMatchObject({
      code: 'order.already-exists',
      message: `order ${approved.id} exists and is already APPROVED`,
    });
    expect(bed.orders.rows.get(approved.id)?.status).toBe('APPROVED');
    expect(bed.published).toEqual([]);
  });

  it('refuses a create that arrives after the order was rejected before creation', async () => {
    const fence = anOrder({
      customerId: null,
      totalAmount: null,
      totalCurrency: null,
      status: 'REJECTED',
      rejectionReason: 'create timed out',
    });
    await bed.orders.insertIfAbsent(fence);

    await expect(create(aCreatePendingOrder({ orderId: fence.id }))).rejects.toMatchObject({
      code: 'order.already-exists',
      message: `order ${fence.id} was rejected before it was created`,
    });
    expect(bed.orders.rows.get(fence.id)).toMatchObject({
      status: 'REJECTED',
      rejectionReason: 'create timed out',
    });
    expect(bed.published).toEqual([]);
  });
});
