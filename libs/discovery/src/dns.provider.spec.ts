import { describe, expect, it } from '@jest/globals';
import { DnsProvider, type AddressResolver } from './dns.provider.js';
import { InstanceRegistry } from './instance-registry.js';

function dnsError(code: string): Error {
  return Object.assign(new Error(code), { code });
}

/** Answers from a table that a test changes between lookups. */
class TableResolver implements AddressResolver {
  constructor(public records: Record<string, { v4?: string[]; v6?: string[]; error?: string }>) {}
  resolve4(hostname: string) {
    return this.answer(hostname, 'v4');
  }
  resolve6(hostname: string) {
    return this.answer(hostname, 'v6');
  }
  private answer(hostname: string, family: 'v4' | 'v6'): Promise<string[]> {
    const entry = this.records[hostname];
    if (entry?.error) return Promise.reject(dnsError(entry.error));
    const addresses = entry?.[family];
    return addresses ? Promise.resolve(addresses) : Promise.reject(dnsError('ENODATA'));
  }
}

describe(DnsProvider.name, () => {
  const target = { service: 'credit', url: 'http://credit-headless:3003' };

  function setUp(records: TableResolver['records']) {
    const registry = new InstanceRegistry();
    const resolver = new TableResolver(records);
    const provider = new DnsProvider(registry, [target], { intervalMs: 60_000, resolver });
    const urls = () => registry.instancesOf('credit').map((instance) => instance.url);
    return { registry, resolver, provider, urls };
  }

  it('makes every A and AAAA record an instance on the service port', async () => {
    const { provider, urls } = setUp({
      'credit-headless': { v4: ['10.0.0.1', '10.0.0.2'], v6: ['fd00::5'] },
    });
    await provider.refresh();
    expect(urls().sort()).toEqual([
      'http://10.0.0.1:3003',
      'http://10.0.0.2:3003',
      'http://[fd00::5]:3003',
    ]);
  });

  it('follows pods coming and going', async () => {
    const { provider, resolver, urls } = setUp({ 'credit-headless': { v4: ['10.0.0.1'] } });
    await provider.refresh();
    resolver.records['credit-headless'] = { v4: ['10.0.0.2'] };
    await provider.refresh();
    expect(urls()).toEqual(['http://10.0.0.2:3003']);
  });

  it('has no instances when the name has no records', async () => {
    const { provider, resolver, urls } = setUp({ 'credit-headless': { v4: ['10.0.0.1'] } });
    await provider.refresh();
    resolver.records = {};
    await provider.refresh();
    expect(urls()).toEqual([]);
  });

  it('keeps the instances last seen while the DNS server fails', async () => {
    const { provider, resolver, urls } = setUp({ 'credit-headless': { v4: ['10.0.0.1'] } });
    await provider.refresh();
    resolver.records['credit-headless'] = { error: 'ESERVFAIL' };
    await provider.refresh();
    expect(urls()).toEqual(['http://10.0.0.1:3003']);
  });
});
