import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { UnauthorizedException } from '@nestjs/common';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type CryptoKey } from 'jose';
import { DEV_TOKEN_AUDIENCE, DEV_TOKEN_ISSUER, signDevToken } from './dev-token.js';
import { JwtVerifier } from './jwt-verifier.js';

const SECRET = 'unit-test-secret-of-at-least-32-characters';
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
  const verifier = new JwtVerifier({ devTokenSecret: SECRET });

  it('accepts the dev tokens it issued', async () => {
    await expect(
      verifier.verify(await signDevToken(SECRET, { role: 'customer', customerId })),
    ).resolves.toEqual({
      subject: customerId,
      role: 'customer',
      customerId,
    });
    await expect(
      verifier.verify(await signDevToken(SECRET, { role: 'admin' })),
    ).resolves.toMatchObject({
      role: 'admin',
    });
  });

  it('refuses a token signed with another secret', async () => {
    const other = await signDevToken('another-secret-of-at-least-32-characters', { role: 'admin' });
    expect(await rejectionOf(verifier, other)).toBe('Invalid token');
  });

  it('says when a token has expired', async () => {
    const expired = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('ops')
      .setIssuer(DEV_TOKEN_ISSUER)
      .setAudience(DEV_TOKEN_AUDIENCE)
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode(SECRET));
    expect(await rejectionOf(verifier, expired)).toBe('Token expired');
  });

  it('accepts a token just past its expiry (clock skew) but not one further past', async () => {
    const expiredAgo = (seconds: number) =>
      new SignJWT({ role: 'admin' })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('ops')
        .setIssuer(DEV_TOKEN_ISSUER)
        .setAudience(DEV_TOKEN_AUDIENCE)
        .setExpirationTime(Math.floor(Date.now() / 1000) - seconds)
        .sign(new TextEncoder().encode(SECRET));
    await expect(verifier.verify(await expiredAgo(2))).resolves.toMatchObject({ role: 'admin' });
    expect(await rejectionOf(verifier, await expiredAgo(10))).toBe('Token expired');
  });

  it('refuses an unsigned token', async () => {
    const unsigned = new UnsecuredJWT({ role: 'admin' }).setSubject('x').setExpirationTime('1h');
    expect(await rejectionOf(verifier, unsigned.encode())).toBe('Invalid token');
  });

  it('refuses a customer token without its customer id', async () => {
    const token = await new SignJWT({ role: 'customer' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('c')
      .setIssuer(DEV_TOKEN_ISSUER)
      .setAudience(DEV_TOKEN_AUDIENCE)
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(SECRET));
    expect(await rejectionOf(verifier, token)).toBe('Invalid token claims');
  });

  it('refuses dev tokens when they are turned off', async () => {
    const locked = new JwtVerifier({});
    expect(await rejectionOf(locked, await signDevToken(SECRET, { role: 'admin' }))).toBe(
      'Invalid token',
    );
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
      oidcVerifier = new JwtVerifier({
        oidc: {
          issuer: 'https://id.example',
          audience: 'sagaflow-api',
          jwksUrl: `http://127.0.0.1:${port}/jwks`,
        },
      });
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
