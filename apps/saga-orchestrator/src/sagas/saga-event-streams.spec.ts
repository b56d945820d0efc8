import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import type { HttpException, MessageEvent } from '@nestjs/common';
import type { Principal } from '@app/identity';
import type { SagaChanges, SagaMove, SagaQueries, SagaStatus, SagaStepRecord } from '@app/saga';
import { filter, Subject } from 'rxjs';
import { SagaEventStreams, type SagaEventStreamLimits } from './saga-event-streams.js';

const LIMITS: SagaEventStreamLimits = {
  perPrincipal: 2,
  perInstance: 3,
  maxLifetimeMs: 60_000,
  heartbeatMs: 10_000,
  pollMs: 1000,
};

const alice: Principal = { subject: 'alice', role: 'customer', customerId: 'c-alice' };
const bob: Principal = { subject: 'bob', role: 'customer', customerId: 'c-bob' };

/** Sagas in memory, counting the queries the streams make. */
class FakeQueries {
  readonly statuses = new Map<string, SagaStatus>();
  readonly timelines = new Map<string, SagaStepRecord[]>();
  readonly versionOf = new Map<string, number>();
  reads = 0;
  versionQueries = 0;
  /** What the next reads throw, one each, before reads succeed again. */
  readonly failures: Error[] = [];

  progress(
    id: string,
    afterId: number,
    limit: number,
  ): Promise<{ status?: SagaStatus; version?: number; steps: SagaStepRecord[] }> {
    this.reads += 1;
    const failure = this.failures.shift();
    if (failure) return Promise.reject(failure);
    const all = this.timelines.get(id) ?? [];
    const steps = all.filter((step) => step.id > afterId).slice(0, limit);
    return Promise.resolve({
      status: this.statuses.get(id),
      version: this.versionOf.get(id),
      steps,
    });
  }

  versions(ids: readonly string[]): Promise<Map<string, number>> {
    this.versionQueries += 1;
    return Promise.resolve(
      new Map(ids.flatMap((id) => (this.versionOf.has(id) ? [[id, this.versionOf.get(id)!]] : []))),
    );
  }

  /**
   * Saga `id` moves (in the database: by another instance unless told here too): a new entry, a
   * new version, and maybe a new status. Returns the move as this process would tell it.
   */
  move(id: string, status: SagaStatus): SagaMove {
    const timeline = this.timelines.get(id) ?? [];
    const step = aStep((timeline.at(-1)?.id ?? 0) + 1, status);
    this.timelines.set(id, [...timeline, step]);
    this.statuses.set(id, status);
    const from = this.versionOf.get(id) ?? 0;
    this.versionOf.set(id, from + 1);
    return { sagaId: id, from, to: from + 1, status, steps: [step] };
  }
}

function aStep(id: number, status: SagaStatus): SagaStepRecord {
  return {
    id,
    step: 0,
    stepName: 'create pending order',
    direction: 'forward',
    event: 'sent',
    messageType: 'order.create-pending-order',
    messageId: null,
    detail: null,
    status,
    at: new Date(0),
  } as unknown as SagaStepRecord;
}

describe(SagaEventStreams.name, () => {
  let queries: FakeQueries;
  let moved: Subject<SagaMove>;
  let streams: SagaEventStreams;

  beforeEach(() => {
    jest.useFakeTimers();
    queries = new FakeQueries();
    moved = new Subject<SagaMove>();
    const changes = {
      of: (id: string) => moved.pipe(filter((move) => move.sagaId === id)),
    } as unknown as SagaChanges;
    streams = new SagaEventStreams(queries as unknown as SagaQueries, changes, LIMITS);
    for (const id of ['s1', 's2', 's3', 's4']) queries.move(id, 'RUNNING');
  });

  afterEach(() => {
    streams.onModuleDestroy();
    jest.useRealTimers();
  });

  async function statusOf(open: Promise<unknown>): Promise<number | undefined> {
    try {
      await open;
    } catch (error) {
      return (error as HttpException).getStatus();
    }
    return undefined;
  }

  it('refuses a caller’s stream beyond its limit with 429 until one of its streams ends', async () => {
    const first = (await streams.open$(alice, 's1')).subscribe();
    (await streams.open$(alice, 's2')).subscribe();
    expect(await statusOf(streams.open$(alice, 's3'))).toBe(429);
    (await streams.open$(bob, 's3')).subscribe();
    first.unsubscribe();
    expect(await statusOf(streams.open$(alice, 's3').then((s) => s.subscribe()))).toBeUndefined();
  });

  it('refuses any stream beyond the instance’s limit with 429, before reading anything', async () => {
    (await streams.open$(alice, 's1')).subscribe();
    (await streams.open$(bob, 's2')).subscribe();
    (await streams.open$(bob, 's3')).subscribe();
    const carol: Principal = { subject: 'carol', role: 'admin' };
    let authorized = false;
    const refused = await streams
      .open$(carol, 's4', () => {
        authorized = true;
        return Promise.resolve();
      })
      .catch((error: unknown) => error);
    expect((refused as HttpException).getResponse()).toEqual({
      statusCode: 429,
      error: 'Too Many Requests',
      message: expect.stringContaining('retry later'),
    });
    expect(authorized).toBe(false);
    expect(streams.openStreams).toBe(3);
  });

  it('gives the slot back when the caller may not see the saga', async () => {
    const denied = streams.open$(alice, 's1', () => Promise.reject(new Error('not found')));
    await expect(denied).rejects.toThrow('not found');
    expect(streams.openStreams).toBe(0);
  });

  it('ends the stream at the saga’s terminal status and gives its slot back', async () => {
    const events: MessageEvent[] = [];
    let completed = false;
    (await streams.open$(alice, 's1')).subscribe({
      next: (event) => events.push(event),
      complete: () => (completed = true),
    });
    await jest.advanceTimersByTimeAsync(10);
    moved.next(queries.move('s1', 'COMPLETED'));
    await jest.advanceTimersByTimeAsync(10);
    expect(completed).toBe(true);
    expect(events.map((event) => event.id)).toEqual(['1', '2']);
    expect(streams.openStreams).toBe(0);
  });

  it('follows the moves made here without reading the saga again', async () => {
    const events: MessageEvent[] = [];
    (await streams.open$(alice, 's1')).subscribe((event) => events.push(event));
    await jest.advanceTimersByTimeAsync(10);
    expect(queries.reads).toBe(1);
    moved.next(queries.move('s1', 'RUNNING'));
    moved.next(queries.move('s1', 'COMPENSATING'));
    await jest.advanceTimersByTimeAsync(LIMITS.pollMs * 3);
    expect(events.map((event) => event.id)).toEqual(['1', '2', '3']);
    expect(queries.reads).toBe(1);
  });

  it('reads again when a move made here does not continue what it sent', async () => {
    const events: MessageEvent[] = [];
    (await streams.open$(alice, 's1')).subscribe((event) => events.push(event));
    await jest.advanceTimersByTimeAsync(10);
    queries.move('s1', 'RUNNING'); // by another instance, not seen here
    moved.next(queries.move('s1', 'COMPENSATING'));
    await jest.advanceTimersByTimeAsync(10);
    expect(queries.reads).toBe(2);
    expect(events.map((event) => event.id)).toEqual(['1', '2', '3']);
  });

  it('stays open through a busy database and reads again; ends with any other failure', async () => {
    const events: MessageEvent[] = [];
    let failed: unknown;
    queries.failures.push(new Error('timeout exceeded when trying to connect'));
    (await streams.open$(alice, 's1')).subscribe({
      next: (event) => events.push(event),
      error: (error: unknown) => (failed = error),
    });
    await jest.advanceTimersByTimeAsync(10);
    expect({ failed, events: events.length }).toEqual({ failed: undefined, events: 0 });
    await jest.advanceTimersByTimeAsync(LIMITS.pollMs);
    expect(events.map((event) => event.id)).toEqual(['1']);
    expect(queries.reads).toBe(2);

    const broken = new Error('column "status" does not exist');
    queries.failures.push(broken);
    (await streams.open$(bob, 's2')).subscribe({ error: (error: unknown) => (failed = error) });
    await jest.advanceTimersByTimeAsync(10);
    expect(failed).toBe(broken);
  });

  it('sends heartbeats and ends a stream at its maximum lifetime', async () => {
    const events: MessageEvent[] = [];
    let completed = false;
    (await streams.open$(alice, 's1')).subscribe({
      next: (event) => events.push(event),
      complete: () => (completed = true),
    });
    await jest.advanceTimersByTimeAsync(LIMITS.heartbeatMs * 2);
    expect(events.filter((event) => event.type === 'heartbeat')).toHaveLength(2);
    expect(completed).toBe(false);
    await jest.advanceTimersByTimeAsync(LIMITS.maxLifetimeMs);
    expect(completed).toBe(true);
    expect(streams.openStreams).toBe(0);
  });

  it('polls with one query for every stream and reads only the sagas that moved', async () => {
    (await streams.open$(alice, 's1')).subscribe();
    (await streams.open$(alice, 's2')).subscribe();
    (await streams.open$(bob, 's3')).subscribe();
    await jest.advanceTimersByTimeAsync(LIMITS.pollMs + 10);
    const readsAfterFirstPoll = queries.reads;
    const pollsAfterFirst = queries.versionQueries;
    queries.move('s2', 'RUNNING'); // moved by another instance
    await jest.advanceTimersByTimeAsync(LIMITS.pollMs * 5);
    expect(queries.versionQueries - pollsAfterFirst).toBe(5);
    expect(queries.reads - readsAfterFirstPoll).toBe(1);
  });
});
