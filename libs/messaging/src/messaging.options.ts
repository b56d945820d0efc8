export interface MessagingOptions {
  url: string;
  /** Shown in the RabbitMQ management UI, so an operator sees which app holds a connection. */
  connectionName: string;
}

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');
