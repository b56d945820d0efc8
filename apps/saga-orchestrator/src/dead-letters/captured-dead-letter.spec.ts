import { randomUUID } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import type { ConsumeMessage } from 'amqplib';
import { HEADERS, type Envelope } from '@app/messaging';
import { toAmqp } from '@app/messaging/testing';
import { captureDeadLetter, replayTargetOf } from './captured-dead-letter.js';

const receivedAt = new Date('2026-11-30T12:00:00.000Z');

function anEnvelope(overrides: Partial<Envelope> = {}): Envelope {
  return {
    messageId: randomUUID(),
    type: 'credit.reserve-credit',
    schemaVersion: 1,
    sagaId: randomUUID(),
    sagaType: 'place-order',
    correlationId: randomUUID(),
    traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    occurredAt: '2026-11-30T11:00:00.000Z',
    replyTo: 'saga-orchestrator.replies',
    payload: { orderId: randomUUID() },
    ...overrides,
  };
}

/** A message as the transport moves it to `<queue>.dead-letter`: the original, plus why and when. */
function deadLettered(envelope: Envelope, headers: Record<string, unknown>) {
  const { content, options } = toAmqp(envelope);
  return {
    content,
    properties: {
      ...options,
      headers: { ...(options.headers as Record<string, unknown>), ...headers },
    },
  } as unknown as ConsumeMessage;
}

describe(captureDeadLetter.name, () => {
  it('keeps the reason, type, saga id and time the transport recorded, and the envelope', () => {
    const envelope = anEnvelope();
    const letter = captureDeadLetter(
      'credit.commands',
      deadLettered(envelope, {
        [HEADERS.deadLetterReason]: 'CreditController.reserve failed: connection refused',
        [HEADERS.deadLetterQueue]: 'credit.commands',
        [HEADERS.deadLetteredAt]: '2026-11-30T11:59:00.000Z',
      }),
      receivedAt,
    );

    expect(letter).toMatchObject({
      queue: 'credit.commands',
      messageId: envelope.messageId,
      type: 'credit.reserve-credit',
      sagaId: envelope.sagaId,
      reason: 'CreditController.reserve failed: connection refused',
      deadLetteredAt: new Date('2026-11-30T11:59:00.000Z'),
      envelope,
      replayTarget: { destination: 'commands', routingKey: 'credit.reserve-credit' },
    });
  });

  it("reads the broker's x-death for a message it dead-lettered itself", () => {
    const envelope = anEnvelope();
    const letter = captureDeadLetter(
      'credit.commands',
      deadLettered(envelope, {
        'x-death': [
          {
            reason: 'delivery_limit',
            queue: 'e2e.credit.commands',
            time: { '!': 'timestamp', value: 1_795_000_000 },
            count: 1,
          },
        ],
      }),
      receivedAt,
    );

    expect(letter.reason).toBe('broker: delivery_limit (e2e.credit.commands)');
    expect(letter.deadLetteredAt).toEqual(new Date(1_795_000_000_000));
  });

  it('keeps a message that is no envelope, named by its content, and not replayable', () => {
    const message = {
      content: Buffer.from('not json'),
      properties: { headers: { [HEADERS.deadLetterReason]: 'invalid envelope: messageId' } },
    } as unknown as ConsumeMessage;

    const letter = captureDeadLetter('saga-orchestrator.replies', message, receivedAt);
    const again = captureDeadLetter('saga-orchestrator.replies', message, receivedAt);

    expect(letter).toMatchObject({
      messageId: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      type: null,
      sagaId: null,
      reason: 'invalid envelope: messageId',
      deadLetteredAt: receivedAt,
      envelope: null,
      replayTarget: null,
    });
    expect(letter.message).toMatchObject({ body: 'not json' });
    expect(again.messageId).toBe(letter.messageId);
  });
});

describe(replayTargetOf.name, () => {
  it('routes a command by its type and a reply to the replies queue, as the outbox did', () => {
    expect(
      replayTargetOf('payment.commands', anEnvelope({ type: 'payment.charge-payment' })),
    ).toEqual({ destination: 'commands', routingKey: 'payment.charge-payment' });
    expect(
      replayTargetOf('saga-orchestrator.replies', anEnvelope({ type: 'credit.credit-reserved' })),
    ).toEqual({ destination: 'replies', routingKey: 'saga-orchestrator.replies' });
  });

  it('refuses a message its type would route to another queue', () => {
    expect(replayTargetOf('credit.commands', anEnvelope({ type: 'order.approve-order' }))).toBe(
      null,
    );
  });
});
