import { Inject, Injectable } from '@nestjs/common';
import { SignJWT } from 'jose';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config.js';
import type { DevTokenRequest } from './dev-token.request.js';
import { DEV_TOKEN_AUDIENCE, DEV_TOKEN_ISSUER } from './token-claims.js';

const DEV_ADMIN_SUBJECT = 'dev-admin';

/** Signs local tokens so the API can be tried without an identity provider. */
@Injectable()
export class DevTokenIssuer {
  private readonly secret: Uint8Array;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.secret = new TextEncoder().encode(config.AUTH_JWT_SECRET);
  }

  issue(request: DevTokenRequest): Promise<string> {
    const claims =
      request.role === 'customer'
        ? { role: 'customer', customerId: request.customerId }
        : { role: 'admin' };
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(request.customerId ?? DEV_ADMIN_SUBJECT)
      .setIssuer(DEV_TOKEN_ISSUER)
      .setAudience(DEV_TOKEN_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(this.secret);
  }
}
