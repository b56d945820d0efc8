import { describe, expect, it } from '@jest/globals';
import type { ExecutionContext } from '@nestjs/common';
import type { Principal } from '@app/identity';
import { loadGatewayConfig } from '../gateway.config.js';
import { addressPrefixOf, rateLimitOptionsOf, trackerOf } from './rate-limit.options.js';

const alice: Principal = { subject: 'alice', role: 'customer', customerId: 'c-1' };
const verify = (token: string) =>
  token === 'alice-token' ? Promise.resolve(alice) : Promise.reject(new Error('invalid'));

function contextOf(url: string): ExecutionContext {
  return { switchToHttp: () => ({ getRequest: () => ({ url }) }) } as unknown as ExecutionContext;
}

describe('rate limits', () => {
  it('counts a verified caller by its principal, wherever it calls from', async () => {
    const bearer = { authorization: 'Bearer alice-token' };
    expect(await trackerOf({ ip: '198.51.100.1', headers: bearer }, verify)).toBe(
      'principal:customer:alice',
    );
    expect(await trackerOf({ ip: '203.0.113.9', headers: bearer }, verify)).toBe(
      'principal:customer:alice',
    );
  });

  it('counts a forged or missing token by the address, so made-up tokens share one budget', async () => {
    const forged = await trackerOf(
      { ip: '198.51.100.1', headers: { authorization: 'Bearer forged' } },
      verify,
    );
    expect(forged).toBe('address:198.51.100.1');
    expect(await trackerOf({ ip: '198.51.100.1', headers: {} }, verify)).toBe(forged);
  });

  it('counts an IPv6 caller by its /64, which one subscriber holds', () => {
    expect(addressPrefixOf('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressPrefixOf('2001:db8:1:2:ffff:ffff:ffff:fffe')).toBe('2001:db8:1:2::/64');
    expect(addressPrefixOf('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressPrefixOf('::ffff:198.51.100.7')).toBe('198.51.100.7');
  });

  it('limits the registration routes too, never the probes or metrics', () => {
    const { skipIf } = rateLimitOptionsOf(loadGatewayConfig({}), verify) as {
      skipIf: (context: ExecutionContext) => boolean;
    };
    for (const url of ['/api/orders', '/internal/registry/instances']) {
      expect({ url, skipped: skipIf(contextOf(url)) }).toEqual({ url, skipped: false });
    }
    for (const url of ['/health/live', '/health/ready', '/metrics']) {
      expect({ url, skipped: skipIf(contextOf(url)) }).toEqual({ url, skipped: true });
    }
  });
});
