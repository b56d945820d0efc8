import 'reflect-metadata';
import { connectMessageTransport } from '@app/messaging';
import { migrateAndExit } from '@app/persistence';
import { isMigrateCommand, startApp } from '@app/runtime';
import type { OrderConfig } from './order.config.js';
import { OrderModule } from './order.module.js';
import { orderSchema } from './order.schema.js';

/** The order process: `main.js migrate` migrates its schema and exits; otherwise it serves. */
export async function start(config: OrderConfig): Promise<void> {
  if (isMigrateCommand()) return migrateAndExit('order', config, orderSchema);
  await startApp(OrderModule.register(config), {
    name: 'order',
    host: config.HOST,
    port: config.PORT,
    connectTransport: connectMessageTransport,
  });
}
