export { BrokerConnection } from './broker-connection.js';
export { MessagingModule } from './messaging.module.js';
export type { MessagingOptions } from './messaging.options.js';
