import type { SchemaDefinition } from '@app/runtime';
import { CreditReservation } from './credit-reservation.entity.js';
import { Customer } from './customer.entity.js';
import { CreateCustomers1795653838246 } from './migrations/1795653838246-create-customers.js';
import { CreateCreditReservations1795655100000 } from './migrations/1795655100000-create-credit-reservations.js';

/** The `credit` schema: owned by credit alone, changed only by these migrations. */
export const creditSchema: SchemaDefinition = {
  schema: 'credit',
  entities: [Customer, CreditReservation],
  migrations: [CreateCustomers1795653838246, CreateCreditReservations1795655100000],
};
