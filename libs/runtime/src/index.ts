export { infrastructureModules, type InfrastructureOptions } from './infrastructure-modules.js';
export { configOrExit, run, startApp, type StartOptions } from './start-app.js';
