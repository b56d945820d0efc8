import 'reflect-metadata';
import { configOrExit, run, startApp } from '@app/runtime';
import { loadGatewayConfig } from './gateway.config.js';
import { prepareGatewayHttp } from './gateway-http.js';
import { GatewayModule } from './gateway.module.js';
import { rateLimits } from './security/rate-limits.js';

run('gateway', async () => {
  const config = configOrExit('gateway', () => loadGatewayConfig());
  await startApp(GatewayModule.register(config, rateLimits(config)), {
    name: 'gateway',
    host: config.HOST,
    port: config.PORT,
    bodyLimit: config.BODY_LIMIT,
    beforeBodyParser: (app) => prepareGatewayHttp(app, config),
  });
});
