import 'reflect-metadata';
import { configOrExit, run, startApp } from '@app/runtime';
import { loadGatewayConfig } from './gateway.config.js';
import { GatewayModule } from './gateway.module.js';

run('gateway', async () => {
  const config = configOrExit('gateway', () => loadGatewayConfig());
  await startApp(GatewayModule.register(config), {
    name: 'gateway',
    host: config.HOST,
    port: config.PORT,
    bodyLimit: config.BODY_LIMIT,
  });
});
