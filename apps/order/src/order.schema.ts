import { withMessagingTables } from '@app/messaging';
import type { SchemaDefinition } from '@app/persistence';
import { Order } from './order.entity.js';
import { CreateOrders1795653838246 } from './migrations/1795653838246-create-orders.js';
import { AllowOrdersRejectedBeforeCreation1795655100000 } from './migrations/1795655100000-allow-orders-rejected-before-creation.js';
import { CancelApprovedOrders1795720000001 } from './migrations/1795720000001-cancel-approved-orders.js';

/** The `orders` schema: owned by order alone, changed only by these migrations. */
// With the outbox and inbox tables of @app/messaging, so `main.js migrate` makes them too.
export const orderSchema: SchemaDefinition = withMessagingTables({
  schema: 'orders',
  entities: [Order],
  migrations: [
    CreateOrders1795653838246,
    AllowOrdersRejectedBeforeCreation1795655100000,
    CancelApprovedOrders1795720000001,
  ],
});
