import { appConfig, env, type Env } from '@app/config';
import type { z } from 'zod';

const order = appConfig('order', {
  /** How long after approval a customer may cancel an order (default: 14 days). */
  ORDER_CANCEL_WINDOW_MS: env.positiveInt(14 * 86_400_000),
});

export const orderConfigSchema = order.schema;

export type OrderConfig = z.infer<typeof orderConfigSchema>;

export function loadOrderConfig(vars: Env = process.env): OrderConfig {
  return order.load(vars);
}
