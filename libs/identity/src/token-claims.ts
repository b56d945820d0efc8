import { z } from 'zod';
import { ROLES } from './principal.js';

/** The claims a Sagaflow token carries beyond the registered ones (`sub`, `exp`, ...). */
export const TokenClaims = z
  .object({
    sub: z.string().min(1),
    role: z.enum(ROLES),
    customerId: z.uuid().optional(),
  })
  .refine((claims) => claims.role !== 'customer' || claims.customerId !== undefined, {
    error: 'a customer token carries its customerId',
  });
