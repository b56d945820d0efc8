import 'reflect-metadata';
import type { MigrationConfig } from '@app/config';
import { connectMessageTransport } from '@app/messaging';
import { migrateAndExit } from '@app/persistence';
import { startApp } from '@app/runtime';
import type { OrderConfig } from './order.config.js';
import { OrderModule } from './order.module.js';
import { orderSchema } from './order.schema.js';

/** The order process: serves its API and its messages. */
export async function start(config: OrderConfig): Promise<void> {
  await startApp(OrderModule.register(config), {
    name: 'order',
    host: config.HOST,
    port: config.PORT,
    connectTransport: connectMessageTransport,
  });
}

/** `main.js migrate`: migrates the schema and exits, with the database settings only. */
export function migrate(config: MigrationConfig): Promise<void> {
  return migrateAndExit('order', config, orderSchema);
}
