import { beforeEach, describe, expect, it } from '@jest/globals';
import { InstanceRegistry } from './instance-registry.js';

const ejection = { consecutiveFailures: 3, baseMs: 1000, maxMs: 4000 };

describe(InstanceRegistry.name, () => {
  let now: number;
  let registry: InstanceRegistry;

  beforeEach(() => {
    now = 1_000_000;
    registry = new InstanceRegistry({ ejection, now: () => now });
  });

  function failTimes(id: string, times: number) {
    for (let i = 0; i < times; i += 1) registry.recordFailure(id);
  }

  describe('static and dns instances', () => {
    it('holds several instances per service, named by address, unchecked at first', () => {
      registry.sync('static', 'credit', ['http://a:3003', 'http://b:3003/']);
      expect(registry.instancesOf('credit')).toMatchObject([
        { id: 'credit@a:3003', url: 'http://a:3003', status: 'UNKNOWN', failures: 0 },
        { id: 'credit@b:3003', url: 'http://b:3003', status: 'UNKNOWN', failures: 0 },
      ]);
      expect(registry.healthy('credit')).toEqual([]);
    });

    it('adds new addresses and drops vanished ones on a later sync, keeping the rest as they are', () => {
      registry.sync('dns', 'credit', ['http://10.0.0.1:3003', 'http://10.0.0.2:3003']);
      registry.recordCheck('credit@10.0.0.1:3003', true);
      registry.sync('dns', 'credit', ['http://10.0.0.1:3003', 'http://10.0.0.3:3003']);
      expect(registry.instancesOf('credit').map((i) => [i.id, i.status])).toEqual([
        ['credit@10.0.0.1:3003', 'UP'],
        ['credit@10.0.0.3:3003', 'UNKNOWN'],
      ]);
    });

    it('tells listeners what was added and removed', () => {
      const changes: string[] = [];
      registry.onChange(({ kind, instance }) => changes.push(`${kind} ${instance.id}`));
      registry.sync('static', 'order', ['http://a:3002']);
      registry.sync('static', 'order', []);
      expect(changes).toEqual(['added order@a:3002', 'removed order@a:3002']);
    });
  });

  describe('active checks', () => {
    it('takes an instance out when a check fails and back when one passes', () => {
      registry.sync('static', 'order', ['http://a:3002']);
      registry.recordCheck('order@a:3002', true);
      expect(registry.healthy('order')).toHaveLength(1);
      now += 500;
      registry.recordCheck('order@a:3002', false);
      expect(registry.get('order@a:3002')).toMatchObject({
        status: 'DOWN',
        failures: 1,
        lastCheck: new Date(now).toISOString(),
      });
      expect(registry.healthy('order')).toEqual([]);
      registry.recordCheck('order@a:3002', true);
      expect(registry.get('order@a:3002')).toMatchObject({ status: 'UP', failures: 0 });
    });
  });

  describe('passive ejection', () => {
    const id = 'credit@a:3003';
    const other = 'credit@b:3003';
    beforeEach(() => {
      registry.sync('static', 'credit', ['http://a:3003', 'http://b:3003']);
      registry.recordCheck(id, true);
      registry.recordCheck(other, true);
    });

    it('ejects after consecutive failed requests, even while its checks pass', () => {
      failTimes(id, 2);
      expect(registry.get(id)?.status).toBe('UP');
      registry.recordFailure(id);
      expect(registry.get(id)).toMatchObject({
        status: 'EJECTED',
        ejectedUntil: new Date(now + 1000).toISOString(),
      });
      registry.recordCheck(id, true);
      expect(registry.healthy('credit').map((instance) => instance.id)).toEqual([other]);
    });

    it("ejects its service's last healthy instance too: failing every request is not healthy", () => {
      failTimes(other, 3);
      expect(registry.get(other)?.status).toBe('EJECTED');
      failTimes(id, 3);
      expect(registry.get(id)?.status).toBe('EJECTED');
      expect(registry.healthy('credit')).toEqual([]);
    });

    it('ends an ejection when a check passes after a failed one: the instance came back', () => {
      failTimes(id, 3);
      registry.recordCheck(id, true);
      expect(registry.get(id)?.status).toBe('EJECTED');
      registry.recordCheck(id, false);
      expect(registry.get(id)?.status).toBe('EJECTED');
      registry.recordCheck(id, true);
      expect(registry.get(id)).toMatchObject({ status: 'UP', ejectedUntil: null });
    });

    it('does not eject when a success breaks the run of failures', () => {
      failTimes(id, 2);
      registry.recordSuccess(id);
      failTimes(id, 2);
      expect(registry.get(id)?.status).toBe('UP');
    });

    it('lets the instance back when the ejection ends, unless its last check failed', () => {
      failTimes(id, 3);
      now += 1000;
      expect(registry.get(id)?.status).toBe('UP');
      failTimes(id, 3);
      registry.recordCheck(id, false);
      now += 2000;
      expect(registry.get(id)?.status).toBe('DOWN');
    });

    it('ejects for longer each time, up to the maximum', () => {
      const lengths: number[] = [];
      for (let round = 0; round < 4; round += 1) {
        failTimes(id, 3);
        const until = Date.parse(registry.get(id)?.ejectedUntil ?? '');
        lengths.push(until - now);
        now = until;
      }
      expect(lengths).toEqual([1000, 2000, 4000, 4000]);
    });

    it('starts over at the base length after a long healthy stretch', () => {
      failTimes(id, 3);
      now += 1000;
      failTimes(id, 3);
      now += 2000 + 4001;
      failTimes(id, 3);
      expect(Date.parse(registry.get(id)?.ejectedUntil ?? '') - now).toBe(1000);
    });
  });

  describe('self-registration leases', () => {
    const registration = { id: 'i-1', service: 'credit', url: 'http://a:3003', leaseTtlMs: 3000 };

    it('registers once and renews the lease on later calls', () => {
      expect(registry.register(registration).created).toBe(true);
      now += 2000;
      const renewed = registry.register(registration);
      expect(renewed.created).toBe(false);
      expect(renewed.instance).toMatchObject({
        source: 'self-registration',
        leaseExpiresAt: new Date(now + 3000).toISOString(),
      });
    });

    it('evicts an instance that stopped renewing, and only that one', () => {
      registry.register(registration);
      now += 2000;
      registry.register({ ...registration, id: 'i-2', url: 'http://b:3003' });
      now += 1000;
      expect(registry.evictExpired().map((instance) => instance.id)).toEqual(['i-1']);
      expect(registry.instancesOf('credit').map((instance) => instance.id)).toEqual(['i-2']);
    });

    it('never evicts static instances', () => {
      registry.sync('static', 'order', ['http://a:3002']);
      now += 10 * 60_000;
      expect(registry.evictExpired()).toEqual([]);
    });

    it('starts over when a known id comes back at another address', () => {
      registry.register(registration);
      registry.recordCheck('i-1', true);
      const moved = registry.register({ ...registration, url: 'http://c:3003' });
      expect(moved.created).toBe(true);
      expect(moved.instance).toMatchObject({ url: 'http://c:3003', status: 'UNKNOWN' });
    });

    it('forgets a deregistered instance at once', () => {
      registry.register(registration);
      expect(registry.remove('i-1')).toBe(true);
      expect(registry.list()).toEqual([]);
      expect(registry.remove('i-1')).toBe(false);
    });
  });
});
