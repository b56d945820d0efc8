import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { anOrder, orderTestbed, type OrderTestbed } from '../order.testbed.js';
import { UnknownCursorError } from '../unknown-cursor.error.js';
import { ListOrdersHandler, ListOrdersQuery } from './list-orders.handler.js';

describe(ListOrdersHandler.name, () => {
  let bed: OrderTestbed;

  beforeEach(async () => {
    bed = await orderTestbed([ListOrdersHandler]);
  });

  const list = (page: ListOrdersQuery['page']) => bed.queryBus.execute(new ListOrdersQuery(page));

  /** Orders of one customer, oldest first. */
  async function ordersOf(customerId: string, count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const placed = anOrder({ customerId });
      await bed.orders.insertIfAbsent(placed);
      ids.push(placed.id);
    }
    return ids;
  }

  it("pages through a customer's orders newest first, and says when the last page came", async () => {
    const customerId = randomUUID();
    const [first, second, third] = await ordersOf(customerId, 3);
    await ordersOf(randomUUID(), 2);

    const page1 = await list({ customerId, limit: 2 });
    expect(page1.items.map((shown) => shown.id)).toEqual([third, second]);
    expect(page1.nextCursor).toBe(second);

    const page2 = await list({ customerId, limit: 2, cursor: page1.nextCursor ?? undefined });
    expect(page2).toEqual({ items: [expect.objectContaining({ id: first })], nextCursor: null });
  });

  it('lists every customer when none is named', async () => {
    await ordersOf(randomUUID(), 2);
    await ordersOf(randomUUID(), 1);

    const page = await list({ limit: 20 });
    expect(page.items).toHaveLength(3);
    expect(page.nextCursor).toBeNull();
  });

  it('refuses a cursor that names no order', async () => {
    await ordersOf(randomUUID(), 1);
    await expect(list({ limit: 20, cursor: randomUUID() })).rejects.toBeInstanceOf(
      UnknownCursorError,
    );
  });
});
