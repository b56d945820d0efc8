import type { SchemaDefinition } from '@app/runtime';
import { Order } from './order.entity.js';
import { CreateOrders1795653838246 } from './migrations/1795653838246-create-orders.js';
import { AllowOrdersRejectedBeforeCreation1795655100000 } from './migrations/1795655100000-allow-orders-rejected-before-creation.js';
import { CancelApprovedOrders1795720000001 } from './migrations/1795720000001-cancel-approved-orders.js';

/** The `orders` schema: owned by order alone, changed only by these migrations. */
export const orderSchema: SchemaDefinition = {
  schema: 'orders',
  entities: [Order],
  migrations: [
    CreateOrders1795653838246,
    AllowOrdersRejectedBeforeCreation1795655100000,
    CancelApprovedOrders1795720000001,
  ],
};
