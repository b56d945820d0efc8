export { infrastructureModules, type InfrastructureOptions } from './infrastructure-modules.js';
export {
  DEFAULT_BODY_LIMIT,
  httpPlatform,
  configureHttp,
  type HttpPlatformOptions,
} from './http-platform.js';
export { startApp, type StartOptions } from './start-app.js';
export { holdWritesForTurn } from './turn-held-writes.js';
