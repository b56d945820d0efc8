import { describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { actsFor, type Principal } from './principal.js';

const alice = randomUUID();
const customer: Principal = { subject: alice, role: 'customer', customerId: alice };
const admin: Principal = { subject: 'ops', role: 'admin' };

describe(actsFor.name, () => {
  it('lets a customer act for itself only', () => {
    expect(actsFor(customer, alice)).toBe(true);
    expect(actsFor(customer, randomUUID())).toBe(false);
    expect(actsFor(customer, null)).toBe(false);
  });

  it('lets an admin act for anyone', () => {
    expect(actsFor(admin, randomUUID())).toBe(true);
    expect(actsFor(admin, undefined)).toBe(true);
  });
});
