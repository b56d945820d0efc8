import { describe, expect, it } from '@jest/globals';
import { SagaListQuery } from './saga-list.query.js';

describe('SagaListQuery', () => {
  it('reads an age such as 15m as a moment that long ago', () => {
    const parsed = SagaListQuery.parse({ olderThan: '15m' });
    expect(Date.now() - (parsed.olderThan?.getTime() ?? 0)).toBeGreaterThanOrEqual(15 * 60_000);
  });

  it('refuses an age too long to be a date, instead of failing the query', () => {
    expect(SagaListQuery.safeParse({ olderThan: '99999999999999999999d' }).success).toBe(false);
    expect(SagaListQuery.safeParse({ olderThan: '9999999999999ms' }).success).toBe(false);
  });
});
