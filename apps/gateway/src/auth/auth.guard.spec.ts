import { describe, expect, it } from '@jest/globals';
import { ForbiddenException, UnauthorizedException, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { loadGatewayConfig } from '../gateway.config.js';
import { AuthGuard } from './auth.guard.js';
import { DevTokenIssuer } from './dev-token.issuer.js';
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

type FakeRequest = Partial<AuthenticatedRequest> & { route: { path: string } };

function contextOf(handler: keyof Routes, request: FakeRequest): ExecutionContext {
  return {
    getHandler: (): unknown => Reflect.get(Routes.prototype, handler),
    getClass: () => Routes,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

const config = loadGatewayConfig({});
const guard = new AuthGuard(new Reflector(), new JwtVerifier(config));
const issuer = new DevTokenIssuer(config);
const customerId = randomUUID();

function requestTo(path: string, token?: string): FakeRequest {
  return {
    route: { path },
    headers: token ? { authorization: `Bearer ${token}` } : {},
  };
}

describe(AuthGuard.name, () => {
  it('lets anyone call an open route', async () => {
    await expect(
      guard.canActivate(contextOf('open', requestTo('/api/auth/dev-token'))),
    ).resolves.toBe(true);
  });

  it('needs a token on every other /api route, whatever its case', async () => {
    for (const path of ['/api/orders', '/API/orders']) {
      await expect(guard.canActivate(contextOf('anyCaller', requestTo(path)))).rejects.toThrow(
        UnauthorizedException,
      );
    }
  });

  it('leaves routes outside /api (the probes) open', async () => {
    await expect(
      guard.canActivate(contextOf('anyCaller', requestTo('/health/ready'))),
    ).resolves.toBe(true);
  });

  it('puts the verified caller on the request', async () => {
    const request = requestTo('/api/orders', await issuer.issue({ role: 'customer', customerId }));
    await expect(guard.canActivate(contextOf('anyCaller', request))).resolves.toBe(true);
    expect(request.principal).toMatchObject({ role: 'customer', customerId });
  });

  it('answers 403 to a caller without the role, wherever the route lives', async () => {
    const token = await issuer.issue({ role: 'customer', customerId });
    for (const path of ['/api/sagas', '/registry']) {
      await expect(
        guard.canActivate(contextOf('adminOnly', requestTo(path, token))),
      ).rejects.toThrow(ForbiddenException);
    }
  });

  it('refuses a header that is not a bearer token', async () => {
    const request = {
      route: { path: '/api/orders' },
      headers: { authorization: 'Basic YWRtaW4=' },
    };
    await expect(guard.canActivate(contextOf('anyCaller', request))).rejects.toThrow(
      'A bearer token is required',
    );
  });
});
