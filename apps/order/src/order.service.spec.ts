import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import type { order } from '@app/contracts';
import type { EntityManager } from 'typeorm';
import { Order } from './order.entity.js';
import { OrderRepository } from './order.repository.js';
import { OrderService } from './order.service.js';

/** The repository's write path in memory: what the rules need, none of PostgreSQL's locking. */
class InMemoryOrders implements Pick<OrderRepository, 'insertIfAbsent' | 'findForUpdate' | 'save'> {
  readonly rows = new Map<string, Order>();

  insertIfAbsent(candidate: Order): Promise<boolean> {
    if (this.rows.has(candidate.id)) return Promise.resolve(false);
    this.rows.set(candidate.id, { ...candidate, createdAt: new Date(), updatedAt: new Date() });
    return Promise.resolve(true);
  }

  findForUpdate(id: string): Promise<Order | null> {
    const row = this.rows.get(id);
    return Promise.resolve(row ? { ...row } : null);
  }

  save(changed: Order): Promise<Order> {
    this.rows.set(changed.id, { ...changed, updatedAt: new Date() });
    return Promise.resolve(changed);
  }
}

const manager = {} as EntityManager;

function aCreatePendingOrder(overrides: Partial<order.CreatePendingOrder> = {}) {
  return {
    orderId: randomUUID(),
    customerId: randomUUID(),
    total: { amount: 4200, currency: 'EUR' },
    ...overrides,
  };
}

describe(OrderService.name, () => {
  let service: OrderService;
  let orders: InMemoryOrders;

  beforeEach(async () => {
    orders = new InMemoryOrders();
    const moduleRef = await Test.createTestingModule({
      providers: [OrderService, { provide: OrderRepository, useValue: orders }],
    }).compile();
    moduleRef.useLogger(false);
    service = moduleRef.get(OrderService);
  });

  async function aPendingOrder() {
    const command = aCreatePendingOrder();
    await service.create(command, manager);
    return command;
  }

  function statusOf(orderId: string) {
    const row = orders.rows.get(orderId);
    return row && { status: row.status, rejectionReason: row.rejectionReason };
  }

  describe('create', () => {
    it('creates the order PENDING with its customer and total', async () => {
      const command = aCreatePendingOrder();
      await expect(service.create(command, manager)).resolves.toMatchObject({
        id: command.orderId,
        status: 'PENDING',
      });
      expect(orders.rows.get(command.orderId)).toMatchObject({
        customerId: command.customerId,
        totalAmount: 4200,
        totalCurrency: 'EUR',
        status: 'PENDING',
        rejectionReason: null,
      });
    });

    it('succeeds again for the same order with the same data', async () => {
      const command = await aPendingOrder();
      await expect(service.create(command, manager)).resolves.toMatchObject({
        status: 'PENDING',
      });
    });

    it('refuses the same id with another customer or total', async () => {
      const command = await aPendingOrder();
      await expect(
        service.create({ ...command, customerId: randomUUID() }, manager),
      ).rejects.toMatchObject({ code: 'order.already-exists' });
      await expect(
        service.create({ ...command, total: { amount: 1, currency: 'EUR' } }, manager),
      ).rejects.toMatchObject({ code: 'order.already-exists' });
    });

    it('refuses to reopen an order that was already decided', async () => {
      const command = await aPendingOrder();
      await service.approve(command.orderId, manager);
      await expect(service.create(command, manager)).rejects.toMatchObject({
        code: 'order.already-exists',
        message: `order ${command.orderId} exists and is already APPROVED`,
      });
    });

    it('refuses a create that arrives after the order was rejected before creation', async () => {
      const command = aCreatePendingOrder();
      await service.reject({ orderId: command.orderId, reason: 'create timed out' }, manager);
      await expect(service.create(command, manager)).rejects.toMatchObject({
        code: 'order.already-exists',
        message: `order ${command.orderId} was rejected before it was created`,
      });
      expect(statusOf(command.orderId)).toEqual({
        status: 'REJECTED',
        rejectionReason: 'create timed out',
      });
    });
  });

  describe('approve', () => {
    it('approves a pending order', async () => {
      const { orderId } = await aPendingOrder();
      await expect(service.approve(orderId, manager)).resolves.toMatchObject({
        status: 'APPROVED',
      });
      expect(statusOf(orderId)?.status).toBe('APPROVED');
    });

    it('succeeds again for an approved order', async () => {
      const { orderId } = await aPendingOrder();
      await service.approve(orderId, manager);
      await expect(service.approve(orderId, manager)).resolves.toMatchObject({
        status: 'APPROVED',
      });
    });

    it('refuses a rejected order', async () => {
      const { orderId } = await aPendingOrder();
      await service.reject({ orderId, reason: 'card declined' }, manager);
      await expect(service.approve(orderId, manager)).rejects.toMatchObject({
        code: 'order.not-pending',
        message: `order ${orderId} is REJECTED, not PENDING`,
      });
      expect(statusOf(orderId)?.status).toBe('REJECTED');
    });

    it('refuses an unknown order', async () => {
      const orderId = randomUUID();
      await expect(service.approve(orderId, manager)).rejects.toMatchObject({
        code: 'order.not-found',
      });
      expect(orders.rows.size).toBe(0);
    });
  });

  describe('reject', () => {
    it('rejects a pending order with the reason', async () => {
      const { orderId } = await aPendingOrder();
      await expect(
        service.reject({ orderId, reason: 'insufficient credit' }, manager),
      ).resolves.toMatchObject({ status: 'REJECTED', rejectionReason: 'insufficient credit' });
      expect(statusOf(orderId)).toEqual({
        status: 'REJECTED',
        rejectionReason: 'insufficient credit',
      });
    });

    it('records a reason when none is given', async () => {
      const { orderId } = await aPendingOrder();
      await service.reject({ orderId }, manager);
      expect(statusOf(orderId)).toEqual({ status: 'REJECTED', rejectionReason: 'no reason given' });
    });

    it('succeeds again for a rejected order and keeps the first reason', async () => {
      const { orderId } = await aPendingOrder();
      await service.reject({ orderId, reason: 'first' }, manager);
      await expect(service.reject({ orderId, reason: 'second' }, manager)).resolves.toMatchObject({
        status: 'REJECTED',
      });
      expect(statusOf(orderId)?.rejectionReason).toBe('first');
    });

    it('refuses an approved order', async () => {
      const { orderId } = await aPendingOrder();
      await service.approve(orderId, manager);
      await expect(service.reject({ orderId }, manager)).rejects.toMatchObject({
        code: 'order.not-pending',
      });
      expect(statusOf(orderId)?.status).toBe('APPROVED');
    });

    it('records an unknown order as rejected, with customer and total unknown', async () => {
      const orderId = randomUUID();
      await expect(
        service.reject({ orderId, reason: 'create timed out' }, manager),
      ).resolves.toMatchObject({ id: orderId, status: 'REJECTED' });
      expect(orders.rows.get(orderId)).toMatchObject({
        customerId: null,
        totalAmount: null,
        totalCurrency: null,
        status: 'REJECTED',
      });
      await expect(service.reject({ orderId }, manager)).resolves.toMatchObject({
        status: 'REJECTED',
      });
    });
  });
});
