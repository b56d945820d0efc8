import { describe, expect, it } from '@jest/globals';
import { parseOptions } from './options.mjs';

describe('the options', () => {
  it('default to the full run: 2,000 orders and 20 faults of each kind', () => {
    const options = parseOptions(['--seed', '9']);
    expect(options).toMatchObject({ variant: 'full', seed: 9, orders: 2000, slowShare: 0.05 });
    expect(Object.values(options.faults).every((n) => n === 20)).toBe(true);
    expect(options.availabilityThreshold).toBe(0.99);
  });

  it('take the short preset, and per-kind fault counts over it', () => {
    const options = parseOptions(['--short', '--faults', 'kill=7,redeliver=0']);
    expect(options).toMatchObject({ variant: 'short', orders: 200 });
    expect(options.faults).toMatchObject({ kill: 7, redeliver: 0, 'db-restart': 1 });
  });

  it('turn a duration into a rate, and leave infrastructure restarts out on request', () => {
    const options = parseOptions(['--orders', '600', '--duration', '120', '--no-infra']);
    expect(options.rate).toBe(5);
    expect(options.faults).toMatchObject({ 'broker-restart': 0, 'db-restart': 0, kill: 20 });
  });

  it('refuse what they cannot mean', () => {
    expect(() => parseOptions(['--faults', 'meteor=1'])).toThrow(/unknown kind meteor/);
    expect(() => parseOptions(['--slow', '2'])).toThrow(/between 0 and 1/);
    expect(() => parseOptions(['--messaging-chaos', 'shuffle'])).toThrow(/not duplicate/);
    expect(() => parseOptions(['--orders', 'many'])).toThrow(/whole number/);
    expect(() => parseOptions(['--bogus'])).toThrow();
  });
});
