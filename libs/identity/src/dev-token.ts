import { SignJWT } from 'jose';

/** Dev tokens name this issuer and audience, so they can never pass for an OIDC issuer's. */
export const DEV_TOKEN_ISSUER = 'sagaflow-gateway-dev';
export const DEV_TOKEN_AUDIENCE = 'sagaflow';

const DEV_ADMIN_SUBJECT = 'dev-admin';

export type DevTokenGrant = { role: 'customer'; customerId: string } | { role: 'admin' };

/** Signs a local token (HS256, one hour) so the API can be used without an identity provider. */
export function signDevToken(secret: string, grant: DevTokenGrant): Promise<string> {
  const claims =
    grant.role === 'customer'
      ? { role: 'customer', customerId: grant.customerId }
      : { role: 'admin' };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(grant.role === 'customer' ? grant.customerId : DEV_ADMIN_SUBJECT)
    .setIssuer(DEV_TOKEN_ISSUER)
    .setAudience(DEV_TOKEN_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(secret));
}
