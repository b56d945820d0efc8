import { withMessagingTables } from '@app/messaging';
import type { SchemaDefinition } from '@app/persistence';
import { CreditReservation } from './credit-reservation.entity.js';
import { Customer } from './customer.entity.js';
import { CreateCustomers1795653838246 } from './migrations/1795653838246-create-customers.js';
import { CreateCreditReservations1795655100000 } from './migrations/1795655100000-create-credit-reservations.js';

/** The `credit` schema: owned by credit alone, changed only by these migrations. */
// With the outbox and inbox tables of @app/messaging, so `main.js migrate` makes them too.
export const creditSchema: SchemaDefinition = withMessagingTables({
  schema: 'credit',
  entities: [Customer, CreditReservation],
  migrations: [CreateCustomers1795653838246, CreateCreditReservations1795655100000],
});
