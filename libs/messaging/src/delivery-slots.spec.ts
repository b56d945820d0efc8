import { describe, expect, it } from '@jest/globals';
import { deliveryConcurrency, DeliverySlots, POOL_RESERVE } from './delivery-slots.js';

describe(deliveryConcurrency.name, () => {
  it('handles as many deliveries at once as the pool serves beside its reserve', () => {
    expect(deliveryConcurrency({ prefetch: 20, poolSize: 8 })).toBe(8 - POOL_RESERVE);
  });

  it('never handles more at once than the broker hands out', () => {
    expect(deliveryConcurrency({ prefetch: 4, poolSize: 32 })).toBe(4);
    expect(deliveryConcurrency({ prefetch: 4, poolSize: 32, requested: 10 })).toBe(4);
  });

  it('is bounded by the pool alone when no prefetch is set (the prefetch then follows it)', () => {
    expect(deliveryConcurrency({ poolSize: 32 })).toBe(32 - POOL_RESERVE);
    expect(deliveryConcurrency({ poolSize: 32, requested: 10 })).toBe(10);
  });

  it('takes a smaller number asked for', () => {
    expect(deliveryConcurrency({ prefetch: 20, poolSize: 8, requested: 3 })).toBe(3);
  });

  it('refuses more deliveries at once than the pool serves', () => {
    expect(() => deliveryConcurrency({ prefetch: 20, poolSize: 8, requested: 7 })).toThrow(
      '7 deliveries at once need 9 connections, but the pool has 8',
    );
  });

  it('refuses a pool too small to serve any delivery', () => {
    expect(() => deliveryConcurrency({ prefetch: 20, poolSize: POOL_RESERVE })).toThrow(
      `needs at least ${POOL_RESERVE + 1}`,
    );
  });
});

describe(DeliverySlots.name, () => {
  it('lets deliveries wait for a slot, first come first served', async () => {
    const slots = new DeliverySlots(1);
    expect(await slots.acquire()).toBe(true);
    const order: string[] = [];
    const second = slots.acquire().then((granted) => order.push(`second ${granted}`));
    const third = slots.acquire().then((granted) => order.push(`third ${granted}`));
    expect(slots.queued).toBe(2);

    slots.release();
    await second;
    slots.release();
    await third;
    expect(order).toEqual(['second true', 'third true']);
  });

  it('frees a released slot for the next delivery when none waits', async () => {
    const slots = new DeliverySlots(2);
    expect(await Promise.all([slots.acquire(), slots.acquire()])).toEqual([true, true]);
    slots.release();
    expect(await slots.acquire()).toBe(true);
    expect(slots.queued).toBe(0);
  });

  it('turns away waiting and later deliveries once closed', async () => {
    const slots = new DeliverySlots(1);
    await slots.acquire();
    const waiting = slots.acquire();
    slots.close();
    expect(await waiting).toBe(false);
    expect(await slots.acquire()).toBe(false);
  });
});
