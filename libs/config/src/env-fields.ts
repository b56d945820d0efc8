import { z } from 'zod';

/** Field builders for environment variables: each parses a string and carries a safe local default. */
export const env = {
  port: (fallback: number) =>
    z.coerce
      .number({ error: 'must be a TCP port number' })
      .int({ error: 'must be a whole number' })
      .min(1, { error: 'must be between 1 and 65535' })
      .max(65535, { error: 'must be between 1 and 65535' })
      .default(fallback),

  positiveInt: (fallback: number) =>
    z.coerce
      .number({ error: 'must be a number' })
      .int({ error: 'must be a whole number' })
      .positive({ error: 'must be greater than zero' })
      .default(fallback),

  milliseconds: (fallback: number) =>
    z.coerce
      .number({ error: 'must be a number of milliseconds' })
      .int({ error: 'must be a whole number of milliseconds' })
      .nonnegative({ error: 'must not be negative' })
      .default(fallback),

  boolean: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0'], { error: 'must be true or false' })
      .transform((value) => value === 'true' || value === '1')
      .default(fallback),

  url: (protocols: readonly string[], fallback?: string) => {
    const field = z.string().refine((value) => hasProtocol(value, protocols), {
      error: `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
    });
    return fallback === undefined ? field : field.default(fallback);
  },

  oneOf: <const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) =>
    z.enum(values, { error: `must be one of ${values.join(', ')}` }).default(fallback),
};

function hasProtocol(value: string, protocols: readonly string[]): boolean {
  try {
    return protocols.includes(new URL(value).protocol);
  } catch {
    return false;
  }
}
