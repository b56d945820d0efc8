import 'reflect-metadata';
import { configOrExit, run, startApp } from '@app/runtime';
import { loadPaymentConfig } from './payment.config.js';
import { PaymentModule } from './payment.module.js';

run('payment', async () => {
  const config = configOrExit('payment', () => loadPaymentConfig());
  await startApp(PaymentModule.register(config), {
    name: 'payment',
    host: config.HOST,
    port: config.PORT,
  });
});
