export {
  LoggingModule,
  REQUEST_ID_HEADER,
  requestIdOf,
  type LoggingOptions,
} from './logging.module.js';
