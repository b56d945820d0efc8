import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { UnauthorizedException } from '@nestjs/common';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type CryptoKey } from 'jose';
import { loadGatewayConfig } from '../gateway.config.js';
import { DevTokenIssuer } from './dev-token.issuer.js';
import { JwtVerifier } from './jwt-verifier.js';

const SECRET = 'unit-test-secret-of-at-least-32-characters';
const devConfig = loadGatewayConfig({ AUTH_JWT_SECRET: SECRET });
const customerId = randomUUID();

async function rejectionOf(verifier: JwtVerifier, token: string): Promise<string> {
  const error = await verifier.verify(token).then(
    () => undefined,
    (failure: unknown) => failure,
  );
  if (!(error instanceof UnauthorizedException)) throw new Error('expected a 401');
  return error.message;
}

describe(JwtVerifier.name, () => {
  const verifier = new JwtVerifier(devConfig);
  const issuer = new DevTokenIssuer(devConfig);

  it('accepts the dev tokens it issued', async () => {
    await expect(
      verifier.verify(await issuer.issue({ role: 'customer', customerId })),
    ).resolves.toEqual({
      subject: customerId,
      role: 'customer',
      customerId,
    });
    await expect(verifier.verify(await issuer.issue({ role: 'admin' }))).resolves.toMatchObject({
      role: 'admin',
    });
  });

  it('refuses a token signed with another secret', async () => {
    const other = new DevTokenIssuer(
      loadGatewayConfig({ AUTH_JWT_SECRET: 'another-secret-of-at-least-32-characters' }),
    );
    expect(await rejectionOf(verifier, await other.issue({ role: 'admin' }))).toBe('Invalid token');
  });

  it('refuses an unsigned token', async () => {
    const unsigned = new UnsecuredJWT({ role: 'admin' }).setSubject('x').setExpirationTime('1h');
    expect(await rejectionOf(verifier, unsigned.encode())).toBe('Invalid token');
  });

  it('refuses a customer token without its customer id', async () => {
    const token = await new SignJWT({ role: 'customer' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('c')
      .setIssuer('sagaflow-gateway-dev')
      .setAudience('sagaflow')
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET));
    expect(await rejectionOf(verifier, token)).toBe('Invalid token claims');
  });

  it('refuses dev tokens when they are turned off', async () => {
    const locked = new JwtVerifier({ ...devConfig, AUTH_DEV_TOKENS: false });
    expect(await rejectionOf(locked, await issuer.issue({ role: 'admin' }))).toBe('Invalid token');
  });

  describe('with an OIDC issuer', () => {
    let server: Server;
    let privateKey: CryptoKey;
    let oidcVerifier: JwtVerifier;

    beforeAll(async () => {
      const keys = await generateKeyPair('RS256');
      privateKey = keys.privateKey;
      const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(keys.publicKey)), kid: 'k1' }] });
      server = createServer((_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(jwks);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as AddressInfo;
      oidcVerifier = new JwtVerifier(
        loadGatewayConfig({
          AUTH_DEV_TOKENS: 'false',
          AUTH_ISSUER: 'https://id.example',
          AUTH_AUDIENCE: 'sagaflow-api',
          AUTH_JWKS_URL: `http://127.0.0.1:${port}/jwks`,
        }),
      );
    });

    afterAll(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    const oidcToken = (audience: string) =>
      new SignJWT({ role: 'admin' })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setSubject('operator@example')
        .setIssuer('https://id.example')
        .setAudience(audience)
        .setExpirationTime('5m')
        .sign(privateKey);

    it('accepts an RS256 token of the issuer, checked against its JWKS', async () => {
      await expect(oidcVerifier.verify(await oidcToken('sagaflow-api'))).resolves.toEqual({
        subject: 'operator@example',
        role: 'admin',
      });
    });

    it('refuses a token meant for another audience', async () => {
      expect(await rejectionOf(oidcVerifier, await oidcToken('other-api'))).toBe('Invalid token');
    });
  });
});
