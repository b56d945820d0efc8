import { z } from 'zod';
import { SERVICE_NAMES } from '../upstream/service-names.js';

/** What an instance announces when it registers or renews its lease. */
export const RegistrationRequest = z.strictObject({
  id: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,200}$/, { error: 'must be 1-200 letters, digits, . _ : or -' }),
  service: z.enum(SERVICE_NAMES, { error: `must be one of ${SERVICE_NAMES.join(', ')}` }),
  url: z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }),
  /** Bounded, so an instance cannot hold a lease for ever. */
  leaseTtlMs: z.number().int().min(1000).max(300_000),
});
export type RegistrationRequest = z.infer<typeof RegistrationRequest>;
