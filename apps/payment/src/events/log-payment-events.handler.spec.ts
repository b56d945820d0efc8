import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import type { LoggerService } from '@nestjs/common';
import { paymentTestbed, type PaymentTestbed } from '../payment.testbed.js';
import { LogPaymentEventsHandler } from './log-payment-events.handler.js';
import {
  PaymentChargedEvent,
  PaymentDeclinedEvent,
  PaymentFencedEvent,
  PaymentVoidedEvent,
} from './payment.events.js';

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

describe(LogPaymentEventsHandler.name, () => {
  let logger: RecordingLogger;
  let bed: PaymentTestbed;

  beforeEach(async () => {
    logger = new RecordingLogger();
    bed = await paymentTestbed([LogPaymentEventsHandler], logger);
  });

  it('logs every payment event published on the EventBus as one structured line', () => {
    const [paymentId, orderId] = [randomUUID(), randomUUID()];
    const amount = { amount: 1250, currency: 'EUR' };
    bed.eventBus.publishAll([
      new PaymentChargedEvent(paymentId, orderId, amount),
      new PaymentDeclinedEvent(paymentId, orderId, 'payment.card-declined', 'no'),
      new PaymentVoidedEvent(paymentId, orderId),
      new PaymentFencedEvent(paymentId, orderId),
    ]);

    const context = LogPaymentEventsHandler.name;
    expect(logger.lines.filter((line) => line.context === context)).toEqual([
      {
        level: 'log',
        context,
        message: {
          msg: `Charged order ${orderId}: payment ${paymentId}`,
          event: 'PaymentChargedEvent',
          paymentId,
          orderId,
          amount,
        },
      },
      {
        level: 'log',
        context,
        message: {
          msg: `Declined order ${orderId}: payment.card-declined (no)`,
          event: 'PaymentDeclinedEvent',
          paymentId,
          orderId,
          code: 'payment.card-declined',
          reason: 'no',
        },
      },
      {
        level: 'log',
        context,
        message: {
          msg: `Voided order ${orderId}: payment ${paymentId}`,
          event: 'PaymentVoidedEvent',
          paymentId,
          orderId,
        },
      },
      {
        level: 'log',
        context,
        message: {
          msg: `Fenced order ${orderId}: a late charge will be refused`,
          event: 'PaymentFencedEvent',
          paymentId,
          orderId,
        },
      },
    ]);
  });
});
