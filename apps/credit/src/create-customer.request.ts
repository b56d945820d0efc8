import { Money } from '@app/contracts';
import { z } from 'zod';

/** `POST /customers`: unknown fields are refused, here and inside the Money. */
export const CreateCustomerRequest = z.strictObject({
  name: z.string().trim().min(1, { error: 'must not be empty' }).max(200),
  creditLimit: z.strictObject(Money.shape),
});
export type CreateCustomerRequest = z.infer<typeof CreateCustomerRequest>;
