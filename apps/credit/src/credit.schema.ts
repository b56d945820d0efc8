import type { SchemaDefinition } from '@app/runtime';
import { Customer } from './customer.entity.js';
import { CreateCustomers1795653838246 } from './migrations/1795653838246-create-customers.js';

/** The `credit` schema: owned by credit alone, changed only by these migrations. */
export const creditSchema: SchemaDefinition = {
  schema: 'credit',
  entities: [Customer],
  migrations: [CreateCustomers1795653838246],
};
