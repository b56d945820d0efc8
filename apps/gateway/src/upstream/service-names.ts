/** The services behind the gateway. Apart so the config reads it without loading Nest. */
export const SERVICE_NAMES = ['saga-orchestrator', 'order', 'credit', 'payment'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];
