import { z } from 'zod';
import { NonNegativeMoney } from '../validation/money.schema.js';

/** `POST /api/customers`. */
export const CreateCustomerRequest = z.strictObject({
  name: z.string().trim().min(1, { error: 'must not be empty' }).max(200),
  creditLimit: NonNegativeMoney,
});
export type CreateCustomerRequest = z.infer<typeof CreateCustomerRequest>;
