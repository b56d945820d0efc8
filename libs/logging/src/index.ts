export { LoggingModule, type LoggingOptions } from './logging.module.js';
