import { z } from 'zod';
import { ROLES } from './principal.js';

/** The claims a gateway token carries beyond the registered ones (`sub`, `exp`, ...). */
export const TokenClaims = z
  .object({
    sub: z.string().min(1),
    role: z.enum(ROLES),
    customerId: z.uuid().optional(),
  })
  .refine((claims) => claims.role !== 'customer' || claims.customerId !== undefined, {
    error: 'a customer token carries its customerId',
  });

/** Dev tokens name this issuer and audience, so they can never pass for an OIDC issuer's. */
export const DEV_TOKEN_ISSUER = 'sagaflow-gateway-dev';
export const DEV_TOKEN_AUDIENCE = 'sagaflow';
