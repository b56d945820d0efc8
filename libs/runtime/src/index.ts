export { infrastructureModules, type InfrastructureOptions } from './infrastructure-modules.js';
export { startApp, type StartOptions } from './start-app.js';
