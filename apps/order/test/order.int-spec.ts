import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { EventBus, type IEvent } from '@nestjs/cqrs';
import { order } from '@app/contracts';
import { MessagingMetrics } from '@app/messaging';
import type { Subscription } from 'rxjs';
import { DataSource } from 'typeorm';
import { customerToken } from '../../../test/support/dev-tokens.js';
import { eventually } from '../../../test/support/eventually.js';
import { ParticipantUnderTest } from '../../../test/support/participant-under-test.js';
import { AfterCommitPublisher } from '@app/persistence';
import { OrderApprovedEvent, OrderCreatedEvent } from '../src/events/order.events.js';
import { loadOrderConfig } from '../src/order.config.js';
import { OrderModule } from '../src/order.module.js';

// Each command is one broker round trip plus the outbox relay: well under this.
jest.setTimeout(30_000);

const participant = new ParticipantUnderTest({
  service: 'order',
  rootModule: (env) => OrderModule.register(loadOrderConfig(env)),
  env: { SHUTDOWN_GRACE_MS: '0' },
});
const { orchestrator } = participant;

const get = (path: string) => participant.request('GET', path);
const getAs = async (customerId: string | null, path: string) =>
  participant.request(
    'GET',
    path,
    undefined,
    customerId === null ? null : { token: await customerToken(customerId) },
  );

function aCreatePendingOrder(customerId: string = randomUUID()): order.CreatePendingOrder {
  return { orderId: randomUUID(), customerId, total: { amount: 4200, currency: 'EUR' } };
}

async function aPendingOrder(customerId?: string): Promise<order.CreatePendingOrder> {
  const command = aCreatePendingOrder(customerId);
  expect((await orchestrator.roundTrip(order.CreatePendingOrder, command)).type).toBe(
    order.OrderCreated.type,
  );
  return command;
}

beforeAll(() => participant.start());
afterAll(() => participant.stop());

describe('order against PostgreSQL and RabbitMQ', () => {
  describe('commands', () => {
    it('creates a pending order, then approves it', async () => {
      const command = aCreatePendingOrder();
      expect(await orchestrator.roundTrip(order.CreatePendingOrder, command)).toEqual({
        type: order.OrderCreated.type,
        body: { orderId: command.orderId, status: 'PENDING' },
      });
      expect((await get(`/orders/${command.orderId}`)).body).toMatchObject({ status: 'PENDING' });

      expect(
        await orchestrator.roundTrip(order.ApproveOrder, { orderId: command.orderId }),
      ).toEqual({
        type: order.OrderApproved.type,
        body: { orderId: command.orderId, status: 'APPROVED' },
      });
      const { status, body } = await get(`/orders/${command.orderId}`);
      expect(status).toBe(200);
      expect(body).toEqual({
        id: command.orderId,
        customerId: command.customerId,
        total: { amount: 4200, currency: 'EUR' },
        status: 'APPROVED',
        // Its customer's cancel window opened on approval.
        cancellableUntil: expect.any(String),
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect(Date.parse(String(body.updatedAt))).toBeGreaterThan(
        Date.parse(String(body.createdAt)),
      );
    });

    it('rejects a pending order with the reason', async () => {
      const { orderId } = await aPendingOrder();
      expect(
        await orchestrator.roundTrip(order.RejectOrder, { orderId, reason: 'insufficient credit' }),
      ).toEqual({ type: order.OrderRejected.type, body: { orderId, status: 'REJECTED' } });
      expect((await get(`/orders/${orderId}`)).body).toMatchObject({
        status: 'REJECTED',
        rejectionReason: 'insufficient credit',
      });
    });

    it('handles a command delivered twice once, answering the duplicate with the same reply', async () => {
      const metrics = participant.app.get(MessagingMetrics);
      const duplicatesBefore = metrics.duplicates;
      const command = aCreatePendingOrder();
      const messageId = orchestrator.publish(order.CreatePendingOrder, command);
      orchestrator.publish(order.CreatePendingOrder, command, { messageId });

      expect((await orchestrator.replyTo(messageId)).type).toBe(order.OrderCreated.type);
      await eventually(() => metrics.duplicates === duplicatesBefore + 1);
      // The duplicate's answer is the first reply again (one message id), never a second one.
      await eventually(() => (orchestrator.replies.get(messageId) ?? []).length === 2);
      const ids = orchestrator.replies.get(messageId)?.map((reply) => reply.messageId);
      expect(new Set(ids).size).toBe(1);
    });

    it('answers a repeated create or decision with a new message id as the first time', async () => {
      const command = await aPendingOrder();
      expect(await orchestrator.roundTrip(order.CreatePendingOrder, command)).toEqual({
        type: order.OrderCreated.type,
        body: { orderId: command.orderId, status: 'PENDING' },
      });
      const { orderId } = command;
      await orchestrator.roundTrip(order.ApproveOrder, { orderId });
      expect((await orchestrator.roundTrip(order.ApproveOrder, { orderId })).type).toBe(
        order.OrderApproved.type,
      );
      const { body } = await get(`/orders?customerId=${command.customerId}`);
      expect(body.items).toHaveLength(1);
    });

    it('refuses to approve an unknown order', async () => {
      const orderId = randomUUID();
      expect(await orchestrator.roundTrip(order.ApproveOrder, { orderId })).toEqual({
        type: order.OrderApprovalFailed.type,
        body: { code: 'order.not-found', reason: `order ${orderId} does not exist` },
      });
      expect((await get(`/orders/${orderId}`)).status).toBe(404);
    });

    it('refuses to reject an approved order or to approve a rejected one', async () => {
      const approved = await aPendingOrder();
      await orchestrator.roundTrip(order.ApproveOrder, { orderId: approved.orderId });
      expect(
        await orchestrator.roundTrip(order.RejectOrder, { orderId: approved.orderId }),
      ).toEqual({
        type: order.OrderRejectionFailed.type,
        body: { code: 'order.not-pending', reason: expect.stringContaining('is APPROVED') },
      });

      const rejected = await aPendingOrder();
      await orchestrator.roundTrip(order.RejectOrder, { orderId: rejected.orderId });
      expect(
        await orchestrator.roundTrip(order.ApproveOrder, { orderId: rejected.orderId }),
      ).toEqual({
        type: order.OrderApprovalFailed.type,
        body: { code: 'order.not-pending', reason: expect.stringContaining('is REJECTED') },
      });

      expect((await get(`/orders/${approved.orderId}`)).body.status).toBe('APPROVED');
      expect((await get(`/orders/${rejected.orderId}`)).body.status).toBe('REJECTED');
    });

    it('refuses a create that arrives after the order was rejected, and keeps it rejected', async () => {
      const command = aCreatePendingOrder();
      expect(
        await orchestrator.roundTrip(order.RejectOrder, {
          orderId: command.orderId,
          reason: 'create timed out',
        }),
      ).toEqual({
        type: order.OrderRejected.type,
        body: { orderId: command.orderId, status: 'REJECTED' },
      });

      expect(await orchestrator.roundTrip(order.CreatePendingOrder, command)).toEqual({
        type: order.OrderCreationFailed.type,
        body: {
          code: 'order.already-exists',
          reason: `order ${command.orderId} was rejected before it was created`,
        },
      });
      expect((await get(`/orders/${command.orderId}`)).body).toEqual({
        id: command.orderId,
        customerId: null,
        total: null,
        status: 'REJECTED',
        rejectionReason: 'create timed out',
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect((await get(`/orders?customerId=${command.customerId}`)).body.items).toEqual([]);
    });
    it('ends every order rejected when its create and its reject race', async () => {
      const commands = Array.from({ length: 20 }, () => aCreatePendingOrder());
      const races = commands.map((command) => ({
        create: orchestrator.publish(order.CreatePendingOrder, command),
        reject: orchestrator.publish(order.RejectOrder, {
          orderId: command.orderId,
          reason: 'timed out',
        }),
      }));

      for (const [i, race] of races.entries()) {
        const create = await orchestrator.replyTo(race.create);
        expect(await orchestrator.replyTo(race.reject)).toEqual({
          type: order.OrderRejected.type,
          body: { orderId: commands[i].orderId, status: 'REJECTED' },
        });
        const { body } = await get(`/orders/${commands[i].orderId}`);
        expect(body).toMatchObject({ status: 'REJECTED', rejectionReason: 'timed out' });
        // Either the create won and was then rejected, or the reject fenced it out.
        expect(body.customerId).toBe(
          create.type === order.OrderCreated.type ? commands[i].customerId : null,
        );
      }
    });

    it('decides a pending order once when its approval and its rejection race', async () => {
      const pending = await Promise.all(Array.from({ length: 20 }, () => aPendingOrder()));
      const races = pending.map(({ orderId }) => ({
        approve: orchestrator.publish(order.ApproveOrder, { orderId }),
        reject: orchestrator.publish(order.RejectOrder, { orderId, reason: 'timed out' }),
      }));

      for (const [i, race] of races.entries()) {
        const approval = await orchestrator.replyTo(race.approve);
        const rejection = await orchestrator.replyTo(race.reject);
        const approved = approval.type === order.OrderApproved.type;
        // Exactly one wins; the loser finds the order decided.
        expect([approval.type, rejection.type]).toEqual(
          approved
            ? [order.OrderApproved.type, order.OrderRejectionFailed.type]
            : [order.OrderApprovalFailed.type, order.OrderRejected.type],
        );
        expect((approved ? rejection : approval).body).toMatchObject({
          code: 'order.not-pending',
        });
        const { body } = await get(`/orders/${pending[i].orderId}`);
        expect(body.status).toBe(approved ? 'APPROVED' : 'REJECTED');
      }
    });
  });

  describe('GET /orders/:id', () => {
    it('answers 404 for an unknown order and 400 for an id that is not a UUID', async () => {
      const orderId = randomUUID();
      expect(await get(`/orders/${orderId}`)).toEqual({
        status: 404,
        body: { statusCode: 404, error: 'Not Found', message: `order ${orderId} does not exist` },
      });
      expect(await get('/orders/not-a-uuid')).toEqual({
        status: 400,
        body: {
          statusCode: 400,
          error: 'Bad Request',
          message: 'Invalid order id: id',
          details: [{ field: 'id', message: 'must be a UUID' }],
        },
      });
    });
  });

  describe('GET /orders', () => {
    it("pages through a customer's orders, newest first", async () => {
      const customerId = randomUUID();
      const created: string[] = [];
      for (let i = 0; i < 5; i += 1) created.push((await aPendingOrder(customerId)).orderId);
      await aPendingOrder();
      const newestFirst = [...created].reverse();

      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const query: string = `customerId=${customerId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`;
        const { status, body } = await get(`/orders?${query}`);
        expect(status).toBe(200);
        const items = body.items as { id: string; customerId: string }[];
        expect(items.length).toBeLessThanOrEqual(2);
        expect(items.every((item) => item.customerId === customerId)).toBe(true);
        seen.push(...items.map((item) => item.id));
        cursor = body.nextCursor as string | null;
        pages += 1;
      } while (cursor);
      expect(seen).toEqual(newestFirst);
      expect(pages).toBe(3);
    });

    it('lists every customer with a default page size of 20', async () => {
      await Promise.all(Array.from({ length: 21 }, () => aPendingOrder()));
      const { status, body } = await get('/orders');
      expect(status).toBe(200);
      expect(body.items).toHaveLength(20);
      expect(body.nextCursor).toEqual(expect.any(String));
    });

    it.each([
      ['limit=0', 'limit', 'must be a whole number from 1 to 100'],
      ['limit=101', 'limit', 'must be a whole number from 1 to 100'],
      ['limit=abc', 'limit', 'must be a whole number from 1 to 100'],
      ['limit=2.5', 'limit', 'must be a whole number from 1 to 100'],
      ['customerId=42', 'customerId', 'must be a UUID'],
      ['cursor=next', 'cursor', 'must be the nextCursor of a previous page'],
      [`cursor=${randomUUID()}`, 'cursor', 'must be the nextCursor of a previous page'],
      ['status=PENDING', 'status', 'is not allowed'],
    ])('answers 400 for %s', async (query, field, message) => {
      expect(await get(`/orders?${query}`)).toEqual({
        status: 400,
        body: {
          statusCode: 400,
          error: 'Bad Request',
          message: `Invalid query: ${field}`,
          details: [{ field, message }],
        },
      });
    });
  });
});

describe('who may read orders', () => {
  it('refuses a request without a token, though it never passed the gateway', async () => {
    const { orderId } = await aPendingOrder();

    expect(await getAs(null, `/orders/${orderId}`)).toMatchObject({ status: 401 });
    expect(await getAs(null, '/orders')).toMatchObject({ status: 401 });
  });

  it("shows a customer its own orders only: another's is not found, and not listed", async () => {
    const alice = randomUUID();
    const mine = await aPendingOrder(alice);
    const theirs = await aPendingOrder();

    expect(await getAs(alice, `/orders/${mine.orderId}`)).toMatchObject({ status: 200 });
    expect(await getAs(alice, `/orders/${theirs.orderId}`)).toMatchObject({ status: 404 });
    const listed = await getAs(alice, '/orders?limit=100');
    expect(listed.body.items).toEqual([expect.objectContaining({ id: mine.orderId })]);
    expect(await getAs(alice, `/orders?customerId=${theirs.customerId}`)).toMatchObject({
      status: 403,
    });
  });
});

describe('domain events', () => {
  const published: IEvent[] = [];
  let subscription: Subscription;

  beforeAll(() => {
    subscription = participant.app.get(EventBus).subscribe((event) => published.push(event));
  });
  afterAll(() => subscription.unsubscribe());

  const about = (orderId: string) =>
    published.filter((event) => (event as { orderId?: string }).orderId === orderId);

  it('publishes what each command changed, and nothing for a refusal or a repeat', async () => {
    const command = await aPendingOrder();
    const unknown = randomUUID();
    await orchestrator.roundTrip(order.ApproveOrder, { orderId: unknown });
    await orchestrator.roundTrip(order.CreatePendingOrder, command);
    await orchestrator.roundTrip(order.ApproveOrder, { orderId: command.orderId });

    await eventually(() => about(command.orderId).length === 2);
    expect(about(command.orderId)).toEqual([
      new OrderCreatedEvent(command.orderId, command.customerId, command.total),
      new OrderApprovedEvent(command.orderId),
    ]);
    expect(about(unknown)).toEqual([]);
  });

  it('publishes the events of a transaction when it commits, never when it rolls back', async () => {
    const dataSource = participant.app.get(DataSource);
    const publisher = participant.app.get(AfterCommitPublisher);
    const kept = new OrderApprovedEvent(randomUUID());
    const undone = new OrderApprovedEvent(randomUUID());

    await dataSource.transaction(async (manager) => {
      publisher.publishAfterCommit(manager, kept);
      await manager.query('SELECT 1');
      expect(published).not.toContain(kept);
    });
    expect(published).toContain(kept);

    const rolledBack = dataSource.transaction(async (manager) => {
      publisher.publishAfterCommit(manager, undone);
      await manager.query('SELECT 1');
      throw new Error('rolled back');
    });
    await expect(rolledBack).rejects.toThrow('rolled back');
    expect(published).not.toContain(undone);
  });
});
