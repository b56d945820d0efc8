import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from '@jest/globals';
import type { LoggerService } from '@nestjs/common';
import { orderTestbed, type OrderTestbed } from '../order.testbed.js';
import { LogOrderEventsHandler } from './log-order-events.handler.js';
import { OrderApprovedEvent, OrderCreatedEvent, OrderRejectedEvent } from './order.events.js';

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

describe(LogOrderEventsHandler.name, () => {
  let logger: RecordingLogger;
  let bed: OrderTestbed;

  beforeEach(async () => {
    logger = new RecordingLogger();
    bed = await orderTestbed([LogOrderEventsHandler], logger);
  });

  it('logs every order event published on the EventBus as one structured line', () => {
    const orderId = randomUUID();
    const customerId = randomUUID();
    bed.eventBus.publishAll([
      new OrderCreatedEvent(orderId, customerId, { amount: 4200, currency: 'EUR' }),
      new OrderApprovedEvent(orderId),
      new OrderRejectedEvent(orderId, 'card declined', false),
      new OrderRejectedEvent(orderId, 'create timed out', true),
    ]);

    const context = LogOrderEventsHandler.name;
    expect(logger.lines.filter((line) => line.context === context)).toEqual([
      {
        level: 'log',
        context,
        message: {
          msg: `Order ${orderId} created, PENDING`,
          event: 'OrderCreatedEvent',
          orderId,
          customerId,
          total: { amount: 4200, currency: 'EUR' },
        },
      },
      {
        level: 'log',
        context,
        message: { msg: `Order ${orderId} APPROVED`, event: 'OrderApprovedEvent', orderId },
      },
      {
        level: 'log',
        context,
        message: expect.objectContaining({
          msg: `Order ${orderId} REJECTED: card declined`,
          reason: 'card declined',
        }),
      },
      {
        level: 'log',
        context,
        message: expect.objectContaining({
          msg: `Order ${orderId} REJECTED before it was created; a late create is refused`,
          beforeCreation: true,
        }),
      },
    ]);
  });
});
