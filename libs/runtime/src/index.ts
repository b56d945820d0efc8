export { infrastructureModules, type InfrastructureOptions } from './infrastructure-modules.js';
export { startApp, type StartOptions } from './start-app.js';
export { holdWritesForTurn } from './turn-held-writes.js';
