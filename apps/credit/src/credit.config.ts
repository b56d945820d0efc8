import { appConfig, type Env } from '@app/config';
import type { z } from 'zod';

/** Credit reads only the settings every data-owning app shares. */
const credit = appConfig('credit', {});

export const creditConfigSchema = credit.schema;

export type CreditConfig = z.infer<typeof creditConfigSchema>;

export function loadCreditConfig(env: Env = process.env): CreditConfig {
  return credit.load(env);
}
