import { describe, expect, it } from '@jest/globals';
import { InstanceRegistry } from '@app/discovery';
import { register } from 'prom-client';
import { UpstreamMetrics } from './upstream-metrics.js';

describe(UpstreamMetrics.name, () => {
  it('exposes how many instances of each service are in each health status', async () => {
    const registry = new InstanceRegistry();
    registry.sync('static', 'credit', ['http://a:3003', 'http://b:3003']);
    registry.sync('static', 'order', ['http://a:3002']);
    registry.recordCheck('credit@a:3003', true);
    registry.recordCheck('credit@b:3003', false);
    const metrics = new UpstreamMetrics(registry);

    const text = await register.metrics();
    expect(text).toContain('gateway_upstream_instances{service="credit",status="UP"} 1');
    expect(text).toContain('gateway_upstream_instances{service="credit",status="DOWN"} 1');
    expect(text).toContain('gateway_upstream_instances{service="order",status="UNKNOWN"} 1');
    expect(text).toContain('gateway_upstream_instances{service="order",status="UP"} 0');

    metrics.onModuleDestroy();
    expect(await register.metrics()).not.toContain('gateway_upstream_instances{');
  });
});
