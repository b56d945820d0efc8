import type { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { ValidationFailedError, type ErrorDetail } from '../errors/gateway.error.js';

/** Parses a body, parameter, query or header with a zod schema; a bad one is a 400 naming every field. */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(
    private readonly schema: S,
    private readonly what: string,
    /** Names a value that is not an object (a route parameter, a header) in the details. */
    private readonly field = 'body',
  ) {}

  transform(value: unknown): z.infer<S> {
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    const details = result.error.issues.flatMap((issue) => detailsOf(issue, this.field));
    const fields = [...new Set(details.map((detail) => detail.field))].join(', ');
    throw new ValidationFailedError(`Invalid ${this.what}: ${fields}`, details);
  }
}

function detailsOf(issue: z.core.$ZodIssue, rootField: string): ErrorDetail[] {
  const at = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ field: [...at, key].join('.'), message: 'is not allowed' }));
  }
  return [{ field: at.length > 0 ? at.join('.') : rootField, message: issue.message }];
}
