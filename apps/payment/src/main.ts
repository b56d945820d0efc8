import 'reflect-metadata';
import { configOrExit, isMigrateCommand, migrateAndExit, run, startApp } from '@app/runtime';
import { loadPaymentConfig } from './payment.config.js';
import { PaymentModule } from './payment.module.js';
import { paymentSchema } from './payment.schema.js';

run('payment', async () => {
  const config = configOrExit('payment', () => loadPaymentConfig());
  if (isMigrateCommand()) return migrateAndExit('payment', config, paymentSchema);
  await startApp(PaymentModule.register(config), {
    name: 'payment',
    host: config.HOST,
    port: config.PORT,
    messaging: true,
  });
});
