import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { UnauthorizedException } from '@nestjs/common';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type CryptoKey } from 'jose';
import { DEV_TOKEN_AUDIENCE, DEV_TOKEN_ISSUER, signDevToken } from './dev-token.js';
import { CLOCK_TOLERANCE_SECONDS, JwtVerifier } from './jwt-verifier.js';

const SECRET = 'unit-test-secret-of-at-least-32-characters';
const customerId = randomUUID();
/** Every fake but the clock. */
const NOT_DATE = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
] as const;

async function rejectionOf(verifier: JwtVerifier, token: string): Promise<string> {
  const error = await verifier.verify(token).then(
    () => undefined,
    (failure: unknown) => failure,
  );
  if (!(error instanceof UnauthorizedException)) throw new Error('expected a 401');
  return error.message;
}

/** Well signed, but a customer's claims without its customer id. */
function aCustomerTokenWithoutCustomerId(): Promise<string> {
  return new SignJWT({ role: 'customer' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('c')
    .setIssuer(DEV_TOKEN_ISSUER)
    .setAudience(DEV_TOKEN_AUDIENCE)
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(SECRET));
}

/** A well-signed admin token that expires `seconds` from now (in the past when negative). */
function anAdminTokenExpiringIn(seconds: number): Promise<string> {
  return new SignJWT({ role: 'admin' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('ops')
    .setIssuer(DEV_TOKEN_ISSUER)
    .setAudience(DEV_TOKEN_AUDIENCE)
    .setExpirationTime(Math.floor(Date.now() / 1000) + seconds)
    .sign(new TextEncoder().encode(SECRET));
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
    const expired = await anAdminTokenExpiringIn(-60);
    expect(await rejectionOf(verifier, expired)).toBe('Token expired');
  });

  it('accepts a token just past its expiry (clock skew) but not one further past', async () => {
    await expect(verifier.verify(await anAdminTokenExpiringIn(-2))).resolves.toMatchObject({
      role: 'admin',
    });
    expect(await rejectionOf(verifier, await anAdminTokenExpiringIn(-10))).toBe('Token expired');
  });

  it('refuses an unsigned token', async () => {
    const unsigned = new UnsecuredJWT({ role: 'admin' }).setSubject('x').setExpirationTime('1h');
    expect(await rejectionOf(verifier, unsigned.encode())).toBe('Invalid token');
  });

  it('refuses a customer token without its customer id', async () => {
    const token = await aCustomerTokenWithoutCustomerId();
    expect(await rejectionOf(verifier, token)).toBe('Invalid token claims');
  });

  it('refuses dev tokens when they are turned off', async () => {
    const locked = new JwtVerifier({});
    expect(await rejectionOf(locked, await signDevToken(SECRET, { role: 'admin' }))).toBe(
      'Invalid token',
    );
  });

  describe('remembering verified tokens', () => {
    afterEach(() => {
      jest.useRealTimers();
      jest.restoreAllMocks();
    });

    it('checks the signature of a repeated token once', async () => {
      const fresh = new JwtVerifier({ devTokenSecret: SECRET });
      const token = await signDevToken(SECRET, { role: 'customer', customerId });
      const signatureChecks = jest.spyOn(globalThis.crypto.subtle, 'verify');
      for (let i = 0; i < 3; i += 1) {
        await expect(fresh.verify(token)).resolves.toEqual({
          subject: customerId,
          role: 'customer',
          customerId,
        });
      }
      expect(signatureChecks).toHaveBeenCalledTimes(1);
    });

    it('still verifies a token altered from one it remembers', async () => {
      const fresh = new JwtVerifier({ devTokenSecret: SECRET });
      const token = await signDevToken(SECRET, { role: 'customer', customerId });
      await fresh.verify(token);
      const [header, payload, signature] = token.split('.');
      const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString()) as object;
      const altered = Buffer.from(JSON.stringify({ ...claims, role: 'admin' })).toString(
        'base64url',
      );
      expect(await rejectionOf(fresh, `${header}.${altered}.${signature}`)).toBe('Invalid token');
      const otherSignature = await signDevToken('another-secret-of-at-least-32-characters', {
        role: 'customer',
        customerId,
      });
      expect(await rejectionOf(fresh, `${header}.${payload}.${otherSignature.split('.')[2]}`)).toBe(
        'Invalid token',
      );
    });

    it('refuses a remembered token once it has expired', async () => {
      const fresh = new JwtVerifier({ devTokenSecret: SECRET });
      const token = await anAdminTokenExpiringIn(20);
      await expect(fresh.verify(token)).resolves.toMatchObject({ role: 'admin' });
      // Only the clock is faked: webcrypto answers through promises, not timers.
      jest.useFakeTimers({ doNotFake: [...NOT_DATE] });
      jest.setSystemTime(Date.now() + 10_000);
      await expect(fresh.verify(token)).resolves.toMatchObject({ role: 'admin' });
      // Past `exp` and the clock tolerance.
      jest.setSystemTime(Date.now() + 10_000 + (CLOCK_TOLERANCE_SECONDS + 1) * 1000);
      expect(await rejectionOf(fresh, token)).toBe('Token expired');
    });

    it('remembers nothing of a token it refused', async () => {
      const fresh = new JwtVerifier({ devTokenSecret: SECRET });
      const noCustomerId = await aCustomerTokenWithoutCustomerId();
      const signatureChecks = jest.spyOn(globalThis.crypto.subtle, 'verify');
      expect(await rejectionOf(fresh, noCustomerId)).toBe('Invalid token claims');
      expect(await rejectionOf(fresh, noCustomerId)).toBe('Invalid token claims');
      expect(signatureChecks).toHaveBeenCalledTimes(2);
    });
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
