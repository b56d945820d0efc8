import type { ValueTransformer } from 'typeorm';

/**
 * pg returns `bigint` columns as strings to avoid precision loss; money in minor units stays far
 * below 2^53, so reading it back as a number is safe.
 */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
