import { z } from 'zod';
import { Uuid } from '@app/validation';

/** `POST /api/auth/dev-token`: a customer token names its customer; an admin token names none. */
export const DevTokenRequest = z
  .strictObject({
    role: z.enum(['customer', 'admin'], { error: 'must be customer or admin' }),
    customerId: Uuid.optional(),
  })
  .superRefine((request, context) => {
    if (request.role === 'customer' && !request.customerId) {
      context.addIssue({
        code: 'custom',
        path: ['customerId'],
        message: 'is required for a customer',
      });
    }
    if (request.role === 'admin' && request.customerId) {
      context.addIssue({ code: 'custom', path: ['customerId'], message: 'is only for a customer' });
    }
  });
export type DevTokenRequest = z.infer<typeof DevTokenRequest>;
