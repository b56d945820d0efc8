/** The apps that make up Sagaflow, in start order, with their default ports. */
export const apps = [
  { name: 'order', port: 3002, color: 'blue' },
  { name: 'credit', port: 3003, color: 'magenta' },
  { name: 'payment', port: 3004, color: 'yellow' },
  { name: 'saga-orchestrator', port: 3001, color: 'cyan' },
  { name: 'gateway', port: 3000, color: 'green' },
];

/** Where PostgreSQL and RabbitMQ are expected, from the same variables the apps read. */
export function infrastructure(env = process.env) {
  const database = new URL(env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/sagaflow');
  const broker = new URL(env.AMQP_URL || 'amqp://guest:guest@127.0.0.1:5672');
  return [
    {
      name: 'PostgreSQL',
      host: database.hostname,
      port: Number(database.port || 5432),
      howToStart: [
        'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start   (Debian/Ubuntu)',
        'docker compose -f docker/compose.yaml up -d postgres                      (with Docker)',
      ],
    },
    {
      name: 'RabbitMQ',
      host: broker.hostname,
      port: Number(broker.port || 5672),
      howToStart: [
        'rabbitmq-server -detached                                                 (Debian/Ubuntu)',
        'docker compose -f docker/compose.yaml up -d rabbitmq                      (with Docker)',
      ],
    },
  ];
}
