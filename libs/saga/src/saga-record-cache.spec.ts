import { describe, expect, it } from '@jest/globals';
import type { SagaRecord } from './saga-record.js';
import { SagaRecordCache } from './saga-record-cache.js';

function aRecord(id: string, overrides: Partial<SagaRecord> = {}): SagaRecord {
  const at = new Date(0);
  return {
    id,
    sagaType: 'place-order',
    definitionVersion: 1,
    status: 'RUNNING',
    direction: 'forward',
    currentStep: 0,
    data: { orderId: id, lines: [{ sku: 'a' }] },
    attempt: 1,
    awaitingMessageId: null,
    deadline: null,
    stepStartedAt: null,
    lastError: null,
    version: 1,
    customerId: null,
    idempotencyKey: null,
    requestFingerprint: null,
    traceparent: null,
    awaitingSince: null,
    definitionFingerprint: null,
    subject: null,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

describe(SagaRecordCache.name, () => {
  it('hands out a copy of the last version remembered, its state as stored', () => {
    const cache = new SagaRecordCache();
    cache.remember(aRecord('s1'));
    cache.remember(aRecord('s1', { version: 2, data: { orderId: 's1', skipped: undefined } }));
    const copy = cache.get('s1');
    expect(copy).toMatchObject({ id: 's1', version: 2, data: { orderId: 's1' } });
    expect(copy?.data).not.toHaveProperty('skipped');
    (copy?.data as { orderId: string }).orderId = 'changed by its caller';
    expect(cache.get('s1')?.data).toEqual({ orderId: 's1' });
  });

  it('forgets a saga at a terminal status, or when told', () => {
    const cache = new SagaRecordCache();
    cache.remember(aRecord('s1'));
    cache.remember(aRecord('s2'));
    cache.remember(aRecord('s1', { status: 'COMPLETED', version: 2 }));
    cache.forget('s2');
    expect(cache.get('s1')).toBeUndefined();
    expect(cache.get('s2')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('keeps at most its capacity, forgetting the saga written longest ago', () => {
    const cache = new SagaRecordCache(2);
    cache.remember(aRecord('s1'));
    cache.remember(aRecord('s2'));
    cache.remember(aRecord('s1', { version: 2 }));
    cache.remember(aRecord('s3'));
    expect(cache.size).toBe(2);
    expect(cache.get('s2')).toBeUndefined();
    expect(cache.get('s1')?.version).toBe(2);
    expect(cache.get('s3')?.version).toBe(1);
  });
});
