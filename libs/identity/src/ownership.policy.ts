import { BadRequestException, ForbiddenException } from '@nestjs/common';
import { actsFor, type Principal } from './principal.js';

/*
 * Who may see and act for which customer, stated once: the gateway checks at the door and each
 * service checks again (a request that goes around the gateway meets the same rules).
 */

/**
 * What was found, if the caller may see it. Otherwise the caller's "not found", also for a record
 * that exists: another customer's record's existence is none of the caller's business.
 */
export function visibleTo<T extends { customerId?: string | null }>(
  caller: Principal,
  found: T | null | undefined,
  notFound: () => Error,
): T {
  if (!found || !actsFor(caller, found.customerId)) throw notFound();
  return found;
}

/**
 * The customer a list is narrowed to: a customer's own (naming another is refused), an admin's
 * choice, or every customer when an admin names none.
 */
export function listScopeOf(
  caller: Principal,
  requested: string | undefined,
  what: string,
): string | undefined {
  if (requested && !actsFor(caller, requested)) {
    throw new ForbiddenException(`A customer may list only its own ${what}`);
  }
  return caller.role === 'customer' ? caller.customerId : requested;
}

/**
 * The customer a request acts for: a customer acts for itself only (naming another is refused),
 * an admin must name the customer.
 */
export function customerActedFor(
  caller: Principal,
  named: string | undefined,
  messages: { unnamed: string; refused: string } = {
    unnamed: 'customerId is required when an admin acts',
    refused: 'A customer acts only for itself',
  },
): string {
  if (caller.role === 'admin') {
    if (!named) throw new BadRequestException(messages.unnamed);
    return named;
  }
  if (named && named !== caller.customerId) throw new ForbiddenException(messages.refused);
  return caller.customerId;
}
