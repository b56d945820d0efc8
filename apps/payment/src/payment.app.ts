import 'reflect-metadata';
import { connectMessageTransport } from '@app/messaging';
import { migrateAndExit } from '@app/persistence';
import { isMigrateCommand, startApp } from '@app/runtime';
import type { PaymentConfig } from './payment.config.js';
import { PaymentModule } from './payment.module.js';
import { paymentSchema } from './payment.schema.js';

/** The payment process: `main.js migrate` migrates its schema and exits; otherwise it serves. */
export async function start(config: PaymentConfig): Promise<void> {
  if (isMigrateCommand()) return migrateAndExit('payment', config, paymentSchema);
  await startApp(PaymentModule.register(config), {
    name: 'payment',
    host: config.HOST,
    port: config.PORT,
    connectTransport: connectMessageTransport,
  });
}
