import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import { credit, order, payment } from './index.js';
import {
  defineCommand,
  defineFailure,
  defineReply,
  type MessageDefinition,
} from './message-definition.js';

const orderId = '0b8f5c2e-3d4a-4f6b-9c1d-2e3f4a5b6c7d';
const customerId = '1c9a6d3f-4e5b-4a7c-8d2e-3f4a5b6c7d8e';

describe(defineCommand.name, () => {
  it('names the owning service and links the replies', () => {
    expect(credit.ReserveCredit).toMatchObject({
      kind: 'command',
      type: 'credit.reserve-credit',
      service: 'credit',
      schemaVersion: 1,
      reply: credit.CreditReserved,
      failure: credit.CreditReservationFailed,
    });
  });

  it('refuses a type that is not <service>.<kebab-name>', () => {
    const done = defineReply('x.done', z.object({}));
    const failed = defineFailure('x.failed', ['x.bad']);
    expect(() =>
      defineCommand('ReserveCredit' as 'a.b', z.object({}), { reply: done, failure: failed }),
    ).toThrow('is not of the form <service>.<kebab-name>');
  });
});

describe('message schemas', () => {
  it('accepts a valid command', () => {
    const command = { orderId, customerId, total: { amount: 1250, currency: 'EUR' } };
    expect(credit.ReserveCredit.schema.parse(command)).toEqual(command);
  });

  it('rejects a fractional amount and a bad id', () => {
    const result = order.CreatePendingOrder.schema.safeParse({
      orderId: 'not-a-uuid',
      customerId,
      total: { amount: 12.5, currency: 'EUR' },
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual([
      'orderId',
      'total.amount',
    ]);
  });

  it('accepts only the failure codes of the contract', () => {
    const failure = payment.ChargePayment.failure.schema;
    expect(failure.parse({ code: 'payment.fenced', reason: 'cancelled first' }).code).toBe(
      'payment.fenced',
    );
    expect(failure.safeParse({ code: 'credit.insufficient-credit', reason: 'no' }).success).toBe(
      false,
    );
    expect(failure.safeParse({ code: 'payment.card-declined', reason: '' }).success).toBe(false);
  });

  it('gives every message a unique type', () => {
    const definitions: MessageDefinition[] = [order, credit, payment].flatMap(
      (messages) => Object.values(messages) as MessageDefinition[],
    );
    const types = definitions.map((definition) => definition.type);
    expect(new Set(types).size).toBe(types.length);
    expect(types).toHaveLength(36);
  });
});
