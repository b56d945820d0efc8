import type { IncomingMessage } from 'node:http';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';

export const ROLES = ['customer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who is calling, from a verified token. A customer always carries its customer id. */
export type Principal =
  { subject: string; role: 'customer'; customerId: string } | { subject: string; role: 'admin' };

export type AuthenticatedRequest = IncomingMessage & { principal?: Principal };

/** An admin acts for every customer; a customer only for itself. */
export function actsFor(principal: Principal, customerId: string | null | undefined): boolean {
  return principal.role === 'admin' || principal.customerId === customerId;
}

/** The verified caller of a route the guard let through. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const { principal } = context.switchToHttp().getRequest<AuthenticatedRequest>();
    // Only an open route lacks one, and open routes do not ask for it.
    if (!principal) throw new Error('No principal on a route that needs one');
    return principal;
  },
);
