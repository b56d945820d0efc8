import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import type { LoggerService } from '@nestjs/common';
import { creditTestbed, type CreditTestbed } from '../credit.testbed.js';
import {
  CreditFencedEvent,
  CreditReleasedEvent,
  CreditReservedEvent,
  CustomerCreatedEvent,
} from './credit.events.js';
import { LogCreditEventsHandler } from './log-credit-events.handler.js';

/** What reached the application logger, by level. */
class RecordingLogger implements LoggerService {
  readonly lines: { level: string; message: unknown; context: unknown }[] = [];
  log(message: unknown, context?: unknown) {
    this.lines.push({ level: 'log', message, context });
  }
  error(message: unknown, context?: unknown) {
    this.lines.push({ level: 'error', message, context });
  }
  warn(message: unknown, context?: unknown) {
    this.lines.push({ level: 'warn', message, context });
  }
}

describe(LogCreditEventsHandler.name, () => {
  let logger: RecordingLogger;
  let bed: CreditTestbed;

  beforeEach(async () => {
    logger = new RecordingLogger();
    bed = await creditTestbed([LogCreditEventsHandler], logger);
  });

  it('logs every credit event published on the EventBus as one structured line', () => {
    const [customerId, orderId, reservationId] = [randomUUID(), randomUUID(), randomUUID()];
    const amount = { amount: 250, currency: 'EUR' };
    bed.eventBus.publishAll([
      new CustomerCreatedEvent(customerId, amount),
      new CreditReservedEvent(reservationId, orderId, customerId, amount),
      new CreditReleasedEvent(reservationId, orderId),
      new CreditFencedEvent(orderId),
    ]);

    const context = LogCreditEventsHandler.name;
    expect(logger.lines.filter((line) => line.context === context)).toEqual([
      {
        level: 'log',
        context,
        message: {
          msg: `Created customer ${customerId}`,
          event: 'CustomerCreatedEvent',
          customerId,
          creditLimit: amount,
        },
      },
      {
        level: 'log',
        context,
        message: {
          msg: `Reserved 250 EUR of ${customerId} for ${orderId}`,
          event: 'CreditReservedEvent',
          reservationId,
          orderId,
          customerId,
          amount,
        },
      },
      {
        level: 'log',
        context,
        message: {
          msg: `Released ${reservationId} of ${orderId}`,
          event: 'CreditReleasedEvent',
          reservationId,
          orderId,
        },
      },
      {
        level: 'log',
        context,
        message: {
          msg: `Fenced ${orderId}: released before any reservation`,
          event: 'CreditFencedEvent',
          orderId,
        },
      },
    ]);
  });
});
