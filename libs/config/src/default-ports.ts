/** Where each app listens unless its PORT says otherwise; the gateway's upstream defaults follow. */
export const DEFAULT_PORTS = {
  gateway: 3000,
  'saga-orchestrator': 3001,
  order: 3002,
  credit: 3003,
  payment: 3004,
} as const;

export type AppName = keyof typeof DEFAULT_PORTS;
/** The apps that own a PostgreSQL schema and talk to the broker. */
export type DataApp = Exclude<AppName, 'gateway'>;
