import type { SchemaDefinition } from '@app/runtime';
import { Payment } from './payment.entity.js';
import { CreatePayments1795653838246 } from './migrations/1795653838246-create-payments.js';

/** The `payments` schema: owned by payment alone, changed only by these migrations. */
export const paymentSchema: SchemaDefinition = {
  schema: 'payments',
  entities: [Payment],
  migrations: [CreatePayments1795653838246],
};
