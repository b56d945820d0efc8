import 'reflect-metadata';
import type { MigrationConfig } from '@app/config';
import { connectMessageTransport } from '@app/messaging';
import { migrateAndExit } from '@app/persistence';
import { startApp } from '@app/runtime';
import type { PaymentConfig } from './payment.config.js';
import { PaymentModule } from './payment.module.js';
import { paymentSchema } from './payment.schema.js';

/** The payment process: serves its API and its messages. */
export async function start(config: PaymentConfig): Promise<void> {
  await startApp(PaymentModule.register(config), {
    name: 'payment',
    host: config.HOST,
    port: config.PORT,
    connectTransport: connectMessageTransport,
  });
}

/** `main.js migrate`: migrates the schema and exits, with the database settings only. */
export function migrate(config: MigrationConfig): Promise<void> {
  return migrateAndExit('payment', config, paymentSchema);
}
