import 'reflect-metadata';
import { configOrExit, run, startApp } from '@app/runtime';
import { loadOrderConfig } from './order.config.js';
import { OrderModule } from './order.module.js';

run('order', async () => {
  const config = configOrExit('order', () => loadOrderConfig());
  await startApp(OrderModule.register(config), {
    name: 'order',
    host: config.HOST,
    port: config.PORT,
  });
});
