import 'reflect-metadata';
import { configOrExit, isMigrateCommand, migrateAndExit, run, startApp } from '@app/runtime';
import { loadOrderConfig } from './order.config.js';
import { OrderModule } from './order.module.js';
import { orderSchema } from './order.schema.js';

run('order', async () => {
  const config = configOrExit('order', () => loadOrderConfig());
  if (isMigrateCommand()) return migrateAndExit('order', config, orderSchema);
  await startApp(OrderModule.register(config), {
    name: 'order',
    host: config.HOST,
    port: config.PORT,
    messaging: true,
  });
});
