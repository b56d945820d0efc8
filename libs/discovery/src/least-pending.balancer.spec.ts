import { beforeEach, describe, expect, it } from '@jest/globals';
import { InstanceRegistry } from './instance-registry.js';
import { LeastPendingBalancer } from './least-pending.balancer.js';

describe(LeastPendingBalancer.name, () => {
  let registry: InstanceRegistry;
  let balancer: LeastPendingBalancer;

  beforeEach(() => {
    registry = new InstanceRegistry();
    balancer = new LeastPendingBalancer(registry);
    registry.sync('static', 'credit', ['http://a:1', 'http://b:1', 'http://c:1']);
    for (const id of ['credit@a:1', 'credit@b:1', 'credit@c:1']) registry.recordCheck(id, true);
  });

  const picks = (count: number, tried?: Set<string>) =>
    Array.from({ length: count }, () => balancer.pick('credit', tried)?.id);

  it('takes the healthy instances in turn', () => {
    expect(picks(6)).toEqual([
      'credit@a:1',
      'credit@b:1',
      'credit@c:1',
      'credit@a:1',
      'credit@b:1',
      'credit@c:1',
    ]);
  });

  it('sends nothing to an instance that is down or ejected', () => {
    registry.recordCheck('credit@b:1', false);
    for (let i = 0; i < 5; i += 1) registry.recordFailure('credit@c:1');
    expect(new Set(picks(4))).toEqual(new Set(['credit@a:1']));
  });

  it('skips instances a request already tried while others are left', () => {
    const tried = new Set(['credit@a:1', 'credit@b:1']);
    expect(new Set(picks(3, tried))).toEqual(new Set(['credit@c:1']));
    expect(
      balancer.pick('credit', new Set(['credit@a:1', 'credit@b:1', 'credit@c:1'])),
    ).toBeDefined();
  });

  it('has nothing when every instance is down or ejected, so the route fails fast', () => {
    registry.recordCheck('credit@a:1', false);
    registry.recordCheck('credit@b:1', false);
    for (let i = 0; i < 5; i += 1) registry.recordFailure('credit@c:1');
    expect(balancer.pick('credit')).toBeUndefined();
  });

  it('tries instances not checked yet while none is healthy', () => {
    registry.sync('static', 'order', ['http://a:2', 'http://b:2']);
    registry.recordCheck('order@a:2', false);
    expect(new Set([1, 2].map(() => balancer.pick('order')?.id))).toEqual(new Set(['order@b:2']));
  });

  it('sends a new request to the instance with the fewest in flight, ties in turn', () => {
    const endOnA = [balancer.begin('credit@a:1'), balancer.begin('credit@a:1')];
    balancer.begin('credit@b:1');

    expect(picks(3)).toEqual(['credit@c:1', 'credit@c:1', 'credit@c:1']);
    balancer.begin('credit@c:1');
    expect(new Set(picks(2))).toEqual(new Set(['credit@b:1', 'credit@c:1']));

    for (const end of endOnA) end();
    expect(balancer.pendingOn('credit@a:1')).toBe(0);
    expect(picks(1)).toEqual(['credit@a:1']);
  });

  it('counts a request as ended once, however often its end is reported', () => {
    const end = balancer.begin('credit@a:1');
    balancer.begin('credit@a:1');
    end();
    end();
    expect(balancer.pendingOn('credit@a:1')).toBe(1);
  });

  it('has nothing for a service without instances', () => {
    expect(balancer.pick('payment')).toBeUndefined();
  });
});
