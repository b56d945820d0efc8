import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { EventBus, type IEvent } from '@nestjs/cqrs';
import { credit, type Money } from '@app/contracts';
import type { Subscription } from 'rxjs';
import { DataSource } from 'typeorm';
import { customerToken } from '../../../test/support/dev-tokens.js';
import { eventually } from '../../../test/support/eventually.js';
import { ParticipantUnderTest } from '../../../test/support/participant-under-test.js';
import { loadCreditConfig } from '../src/credit.config.js';
import { AfterCommitPublisher } from '@app/persistence';
import {
  CreditFencedEvent,
  CreditReservedEvent,
  CustomerCreatedEvent,
} from '../src/events/credit.events.js';
import { CreditModule } from '../src/credit.module.js';

// 100 concurrent reservations and their replies through the outbox stay well under this.
jest.setTimeout(30_000);

const participant = new ParticipantUnderTest({
  service: 'credit',
  rootModule: (env) => CreditModule.register(loadCreditConfig(env)),
});
const { orchestrator } = participant;

async function aCustomer(creditLimit: Money): Promise<string> {
  const { status, body } = await participant.request('POST', '/customers', {
    name: 'Ada',
    creditLimit,
  });
  expect(status).toBe(201);
  return String(body.id);
}

async function creditOf(customerId: string) {
  const { status, body } = await participant.request('GET', `/customers/${customerId}/credit`);
  expect(status).toBe(200);
  return body;
}

function aReserveCredit(customerId: string, amount = 100): credit.ReserveCredit {
  return { orderId: randomUUID(), customerId, total: { amount, currency: 'EUR' } };
}

const eur = (amount: number): Money => ({ amount, currency: 'EUR' });

beforeAll(() => participant.start());
afterAll(() => participant.stop());

describe('credit against PostgreSQL and RabbitMQ', () => {
  describe('ReserveCredit', () => {
    it('reserves exactly what the limit covers when 100 reservations arrive at once', async () => {
      const customerId = await aCustomer(eur(40 * 25));
      const commands = Array.from({ length: 100 }, () => aReserveCredit(customerId, 25));
      const replies = await orchestrator.repliesTo(
        commands.map((command) => orchestrator.publish(credit.ReserveCredit, command)),
      );

      const reserved = replies.filter((reply) => reply.type === credit.CreditReserved.type);
      const refused = replies.filter((reply) => reply.type === credit.CreditReservationFailed.type);
      expect(reserved).toHaveLength(40);
      expect(refused).toHaveLength(60);
      expect(new Set(refused.map((reply) => reply.body.code))).toEqual(
        new Set(['credit.insufficient-credit']),
      );
      expect(await creditOf(customerId)).toEqual({
        customerId,
        creditLimit: eur(1000),
        availableCredit: eur(0),
        reserved: eur(1000),
      });
    });

    it('reserves once when the same command is delivered twice', async () => {
      const customerId = await aCustomer(eur(1000));
      const command = aReserveCredit(customerId, 300);
      const messageId = orchestrator.publish(credit.ReserveCredit, command);
      orchestrator.publish(credit.ReserveCredit, command, { messageId });

      const reply = await orchestrator.replyTo(messageId);
      expect(reply).toEqual({
        type: credit.CreditReserved.type,
        body: {
          reservationId: expect.any(String),
          orderId: command.orderId,
          customerId,
          amount: eur(300),
        },
      });
      // The duplicate is answered with the same reply (one message id), never a second one.
      await eventually(() => (orchestrator.replies.get(messageId) ?? []).length === 2);
      const ids = orchestrator.replies.get(messageId)?.map((reply) => reply.messageId);
      expect(new Set(ids).size).toBe(1);
      expect(await creditOf(customerId)).toMatchObject({
        availableCredit: eur(700),
        reserved: eur(300),
      });
    });

    it('returns the same reservation when the order is reserved again by a new command', async () => {
      const customerId = await aCustomer(eur(1000));
      const command = aReserveCredit(customerId, 300);
      const first = await orchestrator.roundTrip(credit.ReserveCredit, command);
      const second = await orchestrator.roundTrip(credit.ReserveCredit, command);

      expect(second).toEqual(first);
      expect(await creditOf(customerId)).toMatchObject({ availableCredit: eur(700) });
    });

    it('reserves an order once when new commands for it arrive at once, answering all alike', async () => {
      const customerId = await aCustomer(eur(1000));
      const command = aReserveCredit(customerId, 300);
      // Distinct message ids: the inbox lets each through; only the order's row decides.
      const replies = await orchestrator.repliesTo(
        Array.from({ length: 10 }, () => orchestrator.publish(credit.ReserveCredit, command)),
      );

      expect(new Set(replies.map((reply) => reply.type))).toEqual(
        new Set([credit.CreditReserved.type]),
      );
      expect(new Set(replies.map((reply) => reply.body.reservationId)).size).toBe(1);
      expect(await creditOf(customerId)).toMatchObject({
        availableCredit: eur(700),
        reserved: eur(300),
      });
    });

    it('leaves the credit whole when an order is reserved and released at once', async () => {
      const customerId = await aCustomer(eur(1000));
      const commands = Array.from({ length: 10 }, () => aReserveCredit(customerId, 100));
      const races = commands.map((command) => ({
        reserve: orchestrator.publish(credit.ReserveCredit, command),
        release: orchestrator.publish(credit.ReleaseCredit, { orderId: command.orderId }),
      }));

      for (const race of races) {
        const [reserved, released] = await orchestrator.repliesTo([race.reserve, race.release]);
        expect(released.type).toBe(credit.CreditReleased.type);
        // Either the reservation came first and was released, or the release fenced it out.
        if (reserved.type === credit.CreditReserved.type) {
          expect(released.body.outcome).toBe('released');
        } else {
          expect(reserved.body.code).toBe('credit.reservation-fenced');
          expect(released.body.outcome).toBe('fenced');
        }
      }
      expect(await creditOf(customerId)).toMatchObject({
        availableCredit: eur(1000),
        reserved: eur(0),
      });
    });

    it('refuses an unknown customer and another currency', async () => {
      const customerId = await aCustomer(eur(1000));
      const [unknown, otherCurrency] = await orchestrator.repliesTo([
        orchestrator.publish(credit.ReserveCredit, aReserveCredit(randomUUID())),
        orchestrator.publish(credit.ReserveCredit, {
          ...aReserveCredit(customerId),
          total: { amount: 100, currency: 'USD' },
        }),
      ]);

      expect(unknown.type).toBe(credit.CreditReservationFailed.type);
      expect(unknown.body.code).toBe('credit.unknown-customer');
      expect(otherCurrency.body.code).toBe('credit.currency-mismatch');
      expect(await creditOf(customerId)).toMatchObject({ availableCredit: eur(1000) });
    });
  });

  describe('ReleaseCredit', () => {
    it('gives the credit back, and answers the same when released again', async () => {
      const customerId = await aCustomer(eur(1000));
      const command = aReserveCredit(customerId, 400);
      const reserved = await orchestrator.roundTrip(credit.ReserveCredit, command);
      const reservationId = String(reserved.body.reservationId);

      const release = { orderId: command.orderId, reservationId };
      const first = await orchestrator.roundTrip(credit.ReleaseCredit, release);
      const again = await orchestrator.roundTrip(credit.ReleaseCredit, release);

      const released = { orderId: command.orderId, reservationId, outcome: 'released' };
      expect(first).toEqual({ type: credit.CreditReleased.type, body: released });
      expect(again).toEqual(first);
      expect(await creditOf(customerId)).toMatchObject({
        availableCredit: eur(1000),
        reserved: eur(0),
      });
    });

    it('fences an order released before it was reserved, so the late reservation is refused', async () => {
      const customerId = await aCustomer(eur(1000));
      const command = aReserveCredit(customerId, 400);

      const fenced = await orchestrator.roundTrip(credit.ReleaseCredit, {
        orderId: command.orderId,
      });
      const late = await orchestrator.roundTrip(credit.ReserveCredit, command);

      expect(fenced).toEqual({
        type: credit.CreditReleased.type,
        body: { orderId: command.orderId, outcome: 'fenced' },
      });
      expect(late.type).toBe(credit.CreditReservationFailed.type);
      expect(late.body.code).toBe('credit.reservation-fenced');
      expect(await creditOf(customerId)).toMatchObject({
        availableCredit: eur(1000),
        reserved: eur(0),
      });
    });

    it('refuses a release that names another reservation of the order', async () => {
      const customerId = await aCustomer(eur(1000));
      const command = aReserveCredit(customerId, 400);
      await orchestrator.roundTrip(credit.ReserveCredit, command);

      const reply = await orchestrator.roundTrip(credit.ReleaseCredit, {
        orderId: command.orderId,
        reservationId: randomUUID(),
      });

      expect(reply.type).toBe(credit.CreditReleaseFailed.type);
      expect(reply.body.code).toBe('credit.unknown-reservation');
      expect(await creditOf(customerId)).toMatchObject({ reserved: eur(400) });
    });
  });

  describe('HTTP', () => {
    it('creates a customer with all of its limit available', async () => {
      const { status, body } = await participant.request('POST', '/customers', {
        name: 'Grace',
        creditLimit: eur(5000),
      });

      expect(status).toBe(201);
      expect(body).toEqual({
        id: expect.any(String),
        name: 'Grace',
        creditLimit: eur(5000),
        availableCredit: eur(5000),
      });
      expect(await creditOf(String(body.id))).toEqual({
        customerId: body.id,
        creditLimit: eur(5000),
        availableCredit: eur(5000),
        reserved: eur(0),
      });
    });

    it.each([
      ['an unknown field', { name: 'Ada', creditLimit: eur(1), role: 'admin' }, 'role'],
      ['a negative limit', { name: 'Ada', creditLimit: eur(-1) }, 'creditLimit.amount'],
      ['a fractional limit', { name: 'Ada', creditLimit: eur(1.5) }, 'creditLimit.amount'],
      [
        'a bad currency',
        { name: 'Ada', creditLimit: { amount: 1, currency: 'EURO' } },
        'creditLimit.currency',
      ],
    ])('refuses a customer with %s', async (_case, body, field) => {
      const response = await participant.request('POST', '/customers', body);

      expect(response).toEqual({
        status: 400,
        body: {
          statusCode: 400,
          error: 'Bad Request',
          message: `Invalid customer: ${field}`,
          details: [{ field, message: expect.any(String) }],
        },
      });
    });

    it('answers 404 for an unknown customer and 400 for an id that is not a uuid', async () => {
      const unknown = await participant.request('GET', `/customers/${randomUUID()}/credit`);
      const malformed = await participant.request('GET', '/customers/42/credit');

      expect(unknown).toMatchObject({ status: 404, body: { statusCode: 404, error: 'Not Found' } });
      expect(malformed).toMatchObject({
        status: 400,
        body: {
          statusCode: 400,
          error: 'Bad Request',
          message: 'Invalid customer id: id',
          details: [{ field: 'id', message: 'must be a UUID' }],
        },
      });
    });
  });
});

describe('who may call it', () => {
  it('refuses a request without a valid token, though it never passed the gateway', async () => {
    const customerId = await aCustomer(eur(100));
    const path = `/customers/${customerId}/credit`;
    const forged = `${await customerToken(customerId)}x`;

    for (const caller of [null, { token: forged }, { token: 'not-a-jwt' }]) {
      const response = await participant.request('GET', path, undefined, caller);
      expect(response).toMatchObject({ status: 401, body: { statusCode: 401 } });
    }
  });

  it('shows a customer its own credit only, and lets only an admin create customers', async () => {
    const own = await aCustomer(eur(100));
    const other = await aCustomer(eur(100));
    const caller = { token: await customerToken(own) };

    expect(
      (await participant.request('GET', `/customers/${own}/credit`, undefined, caller)).status,
    ).toBe(200);
    expect(
      (await participant.request('GET', `/customers/${other}/credit`, undefined, caller)).status,
    ).toBe(404);
    const created = await participant.request(
      'POST',
      '/customers',
      { name: 'Eve', creditLimit: eur(1) },
      caller,
    );
    expect(created.status).toBe(403);
  });
});

describe('domain events', () => {
  const published: IEvent[] = [];
  let subscription: Subscription;

  beforeAll(() => {
    subscription = participant.app.get(EventBus).subscribe((event) => published.push(event));
  });
  afterAll(() => subscription.unsubscribe());

  const about = (id: string) => published.filter((event) => Object.values(event).includes(id));

  it('publishes what each command changed, and nothing for a refusal or a repeat', async () => {
    const customerId = await aCustomer(eur(100));
    const refused = aReserveCredit(customerId, 101);
    const command = aReserveCredit(customerId, 100);
    await orchestrator.roundTrip(credit.ReserveCredit, refused);
    const reserved = await orchestrator.roundTrip(credit.ReserveCredit, command);
    await orchestrator.roundTrip(credit.ReserveCredit, command);

    await eventually(() => about(command.orderId).length === 1);
    expect(about(customerId)).toEqual([
      new CustomerCreatedEvent(customerId, eur(100)),
      new CreditReservedEvent(
        String(reserved.body.reservationId),
        command.orderId,
        customerId,
        eur(100),
      ),
    ]);
    expect(about(refused.orderId)).toEqual([]);
  });

  it('publishes the events of a transaction when it commits, never when it rolls back', async () => {
    const dataSource = participant.app.get(DataSource);
    const publisher = participant.app.get(AfterCommitPublisher);
    const kept = new CreditFencedEvent(randomUUID());
    const undone = new CreditFencedEvent(randomUUID());

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
