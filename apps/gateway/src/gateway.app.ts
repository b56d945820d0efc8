import 'reflect-metadata';
import { startApp } from '@app/runtime';
import type { GatewayConfig } from './gateway.config.js';
import { gatewayHttpPlatform, prepareGatewayHttp } from './gateway-http.js';
import { GatewayModule } from './gateway.module.js';
import { rateLimits } from './security/rate-limits.js';

/** The gateway process: the public door, with the rate limits only the real process has. */
export async function start(config: GatewayConfig): Promise<void> {
  const edges = rateLimits(config);
  await startApp(GatewayModule.register(config, edges), {
    name: 'gateway',
    host: config.HOST,
    port: config.PORT,
    ...gatewayHttpPlatform(config),
    prepareHttp: (app) => prepareGatewayHttp(app, config, edges),
  });
}
