import { describe, expect, it } from '@jest/globals';
import { ForbiddenException, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { AuthGuard } from './auth.guard.js';
import { signDevToken } from './dev-token.js';
import { JwtVerifier } from './jwt-verifier.js';
import type { AuthenticatedRequest } from './principal.js';
import { Public, Roles } from './roles.decorator.js';

class Routes {
  @Public()
  open(): void {}

  @Roles('admin')
  adminOnly(): void {}

  anyCaller(): void {}
}

type FakeRequest = Partial<AuthenticatedRequest>;

function contextOf(
  handler: keyof Routes,
  request: FakeRequest,
  type: 'http' | 'rpc' = 'http',
): ExecutionContext {
  return {
    getType: () => type,
    getHandler: (): unknown => Reflect.get(Routes.prototype, handler),
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

const SECRET = 'unit-test-secret-of-at-least-32-characters';
const guard = new AuthGuard(new Reflector(), new JwtVerifier({ devTokenSecret: SECRET }));
const customerId = randomUUID();

function requestWith(token?: string): FakeRequest {
  return { headers: token ? { authorization: `Bearer ${token}` } : {} };
}

describe(AuthGuard.name, () => {
  it('lets anyone call a route marked public', async () => {
    await expect(guard.canActivate(contextOf('open', requestWith()))).resolves.toBe(true);
  });

  it('needs a token on every other route', async () => {
    await expect(guard.canActivate(contextOf('anyCaller', requestWith()))).rejects.toThrow(
      UnauthorizedException,
    );
  });

  it('leaves what is not an HTTP request to its own checks', async () => {
    await expect(guard.canActivate(contextOf('anyCaller', requestWith(), 'rpc'))).resolves.toBe(
      true,
    );
  });

  it('puts the verified caller on the request', async () => {
    const request = requestWith(await signDevToken(SECRET, { role: 'customer', customerId }));
    await expect(guard.canActivate(contextOf('anyCaller', request))).resolves.toBe(true);
    expect(request.principal).toMatchObject({ role: 'customer', customerId });
  });

  it('answers 403 to a caller without the role', async () => {
    const token = await signDevToken(SECRET, { role: 'customer', customerId });
    await expect(guard.canActivate(contextOf('adminOnly', requestWith(token)))).rejects.toThrow(
      ForbiddenException,
    );
    const admin = await signDevToken(SECRET, { role: 'admin' });
    await expect(guard.canActivate(contextOf('adminOnly', requestWith(admin)))).resolves.toBe(true);
  });

  it('refuses a header that is not a bearer token', async () => {
    const request = { headers: { authorization: 'Basic YWRtaW4=' } };
    await expect(guard.canActivate(contextOf('anyCaller', request))).rejects.toThrow(
      'A bearer token is required',
    );
  });
});
