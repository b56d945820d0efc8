import { describe, expect, it } from '@jest/globals';
import { fromAmqp, HEADERS, toAmqp, type Envelope } from './envelope.js';

const anEnvelope = (): Envelope => ({
  messageId: '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b',
  type: 'credit.reserve-credit',
  schemaVersion: 1,
  sagaId: '7a2b3c4d-5e6f-4a70-8b9c-0d1e2f3a4b5c',
  sagaType: 'place-order',
  correlationId: 'corr-1',
  causationId: 'cause-1',
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  occurredAt: '2026-11-26T10:00:00.000Z',
  replyTo: 'saga-orchestrator.replies',
  payload: { orderId: 'o-1' },
});

describe(toAmqp.name, () => {
  it('puts ids in AMQP properties, the rest in headers and the payload in the body', () => {
    const { content, options } = toAmqp(anEnvelope());
    expect(JSON.parse(content.toString())).toEqual({ orderId: 'o-1' });
    expect(options).toMatchObject({
      messageId: anEnvelope().messageId,
      type: 'credit.reserve-credit',
      correlationId: 'corr-1',
      replyTo: 'saga-orchestrator.replies',
      persistent: true,
      headers: {
        [HEADERS.sagaId]: anEnvelope().sagaId,
        [HEADERS.sagaType]: 'place-order',
        [HEADERS.causationId]: 'cause-1',
        [HEADERS.traceparent]: anEnvelope().traceparent,
        [HEADERS.schemaVersion]: 1,
      },
    });
  });
});

describe(fromAmqp.name, () => {
  it('reads back exactly what toAmqp wrote', () => {
    const { content, options } = toAmqp(anEnvelope());
    expect(fromAmqp({ content, properties: options as never })).toEqual({
      ok: true,
      envelope: anEnvelope(),
    });
  });

  it('explains a body that is not JSON', () => {
    const { options } = toAmqp(anEnvelope());
    const decoded = fromAmqp({ content: Buffer.from('{'), properties: options as never });
    expect(decoded).toMatchObject({
      ok: false,
      reason: expect.stringContaining('body is not JSON'),
    });
  });

  it('explains a missing message id', () => {
    const { content, options } = toAmqp(anEnvelope());
    const decoded = fromAmqp({
      content,
      properties: { ...options, messageId: undefined } as never,
    });
    expect(decoded).toEqual({
      ok: false,
      reason: 'invalid envelope: messageId: Invalid input: expected string, received undefined',
    });
  });
});
