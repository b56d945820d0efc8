import {
  ForbiddenException,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtVerifier } from './jwt-verifier.js';
import type { AuthenticatedRequest, Role } from './principal.js';
import { ALLOWED_ROLES, IS_PUBLIC } from './roles.decorator.js';

const BEARER = /^Bearer\s+([\w-]+\.[\w-]+\.[\w-]+)$/i;

/**
 * Closed by default: every HTTP route needs a valid bearer token unless marked `@Public()`, and a
 * route with `@Roles(...)` also needs one of them. The verified caller goes on the request.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly verifier: JwtVerifier,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const principal = await this.verifier.verify(bearerTokenOf(request));
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ALLOWED_ROLES, targets);
    if (roles && !roles.includes(principal.role)) {
      throw new ForbiddenException(`This route is for ${roles.join(' or ')} callers only`);
    }
    request.principal = principal;
    return true;
  }
}

function bearerTokenOf(request: AuthenticatedRequest): string {
  const match = BEARER.exec(request.headers.authorization ?? '');
  if (!match?.[1]) throw new UnauthorizedException('A bearer token is required');
  return match[1];
}
