import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { DomainError } from '@app/messaging';
import { OrderApprovedEvent } from '../events/order.events.js';
import type { OrderStatus } from '../order.entity.js';
import { anOrder, orderTestbed, type OrderTestbed } from '../order.testbed.js';
import { ApproveOrderCommand, ApproveOrderHandler } from './approve-order.handler.js';

describe(ApproveOrderHandler.name, () => {
  let bed: OrderTestbed;

  beforeEach(async () => {
    bed = await orderTestbed([ApproveOrderHandler]);
  });

  const approve = (orderId: string) =>
    bed.commandBus.execute(new ApproveOrderCommand({ orderId }, bed.manager));

  async function anOrderThatIs(status: OrderStatus): Promise<string> {
    const existing = anOrder({ status });
    await bed.orders.insertIfAbsent(existing);
    return existing.id;
  }

  it('approves a pending order, and says so', async () => {
    const orderId = await anOrderThatIs('PENDING');

    await expect(approve(orderId)).resolves.toEqual({ orderId, status: 'APPROVED' });
    expect(bed.orders.rows.get(orderId)?.status).toBe('APPROVED');
    expect(bed.published).toEqual([new OrderApprovedEvent(orderId)]);
  });

  it('succeeds again for an approved order, changing nothing', async () => {
    const orderId = await anOrderThatIs('PENDING');
    await approve(orderId);

    await expect(approve(orderId)).resolves.toEqual({ orderId, status: 'APPROVED' });
    expect(bed.published).toHaveLength(1);
  });

  it('refuses a rejected order', async () => {
    const orderId = await anOrderThatIs('REJECTED');

    const refusal = approve(orderId);
    await expect(refusal).rejects.toBeInstanceOf(DomainError);
    await expect(refusal).rejects.toMatchObject({
      code: 'order.not-pending',
      message: `order ${orderId} is REJECTED, not PENDING`,
    });
    expect(bed.orders.rows.get(orderId)?.status).toBe('REJECTED');
    expect(bed.published).toEqual([]);
  });

  it('refuses an unknown order and records nothing', async () => {
    await expect(approve(randomUUID())).rejects.toMatchObject({ code: 'order.not-found' });
    expect(bed.orders.rows.size).toBe(0);
    expect(bed.published).toEqual([]);
  });
});
