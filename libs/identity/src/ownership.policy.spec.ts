import { describe, expect, it } from '@jest/globals';
import { BadRequestException, ForbiddenException, NotFoundException } from '@nestjs/common';
import { customerActedFor, listScopeOf, visibleTo } from './ownership.policy.js';
import type { Principal } from './principal.js';

const alice: Principal = { subject: 'alice', role: 'customer', customerId: 'c-alice' };
const admin: Principal = { subject: 'ops', role: 'admin' };
const notFound = () => new NotFoundException('gone');

describe(visibleTo.name, () => {
  it('shows a customer its own record and an admin every record', () => {
    const record = { customerId: 'c-alice', total: 5 };
    expect(visibleTo(alice, record, notFound)).toBe(record);
    expect(visibleTo(admin, { customerId: 'c-bob' }, notFound)).toEqual({ customerId: 'c-bob' });
  });

  it('answers "not found" for another customer’s record as for a missing one', () => {
    expect(() => visibleTo(alice, { customerId: 'c-bob' }, notFound)).toThrow(NotFoundException);
    expect(() => visibleTo(alice, { customerId: null }, notFound)).toThrow(NotFoundException);
    expect(() => visibleTo(admin, undefined, notFound)).toThrow(NotFoundException);
  });
});

describe(listScopeOf.name, () => {
  it('narrows a customer’s list to its own, and refuses another customer’s', () => {
    expect(listScopeOf(alice, undefined, 'orders')).toBe('c-alice');
    expect(listScopeOf(alice, 'c-alice', 'orders')).toBe('c-alice');
    expect(() => listScopeOf(alice, 'c-bob', 'orders')).toThrow(
      new ForbiddenException('A customer may list only its own orders'),
    );
  });

  it('lets an admin list one customer or all', () => {
    expect(listScopeOf(admin, 'c-bob', 'orders')).toBe('c-bob');
    expect(listScopeOf(admin, undefined, 'orders')).toBeUndefined();
  });
});

describe(customerActedFor.name, () => {
  it('has a customer act for itself only', () => {
    expect(customerActedFor(alice, undefined)).toBe('c-alice');
    expect(() => customerActedFor(alice, 'c-bob')).toThrow(
      new ForbiddenException('A customer acts only for itself'),
    );
  });

  it('has an admin name the customer it acts for', () => {
    expect(customerActedFor(admin, 'c-bob')).toBe('c-bob');
    expect(() => customerActedFor(admin, undefined)).toThrow(BadRequestException);
  });
});
