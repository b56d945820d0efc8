import { BadRequestException, type PipeTransform } from '@nestjs/common';
import type { z } from 'zod';

/** What a client is told about one field that failed its schema. */
export interface ValidationDetail {
  field: string;
  message: string;
}

/**
 * A body, parameter, query or header failed its schema: 400, in the one error body of every app,
 * `{ statusCode, error, message, details }`, the message naming every failed field.
 */
export class ValidationFailedException extends BadRequestException {
  constructor(
    message: string,
    readonly details: ValidationDetail[],
  ) {
    super({ statusCode: 400, error: 'Bad Request', message, details });
    this.name = 'ValidationFailedException';
  }
}

/** Parses a body, parameter, query or header with a zod schema; a bad one is a 400 naming every field. */
export class ZodValidationPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(
    private readonly schema: S,
    /** What the value is, for the message: "order", "customer id", "query". */
    private readonly what: string,
    /** Names a value that is not an object (a route parameter, a header) in the details. */
    private readonly field = 'body',
  ) {}

  transform(value: unknown): z.infer<S> {
    const result = this.schema.safeParse(value);
    if (result.success) return result.data;
    const details = result.error.issues.flatMap((issue) => detailsOf(issue, this.field));
    const fields = [...new Set(details.map((detail) => detail.field))].join(', ');
    throw new ValidationFailedException(`Invalid ${this.what}: ${fields}`, details);
  }
}

function detailsOf(issue: z.core.$ZodIssue, rootField: string): ValidationDetail[] {
  const at = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ field: [...at, key].join('.'), message: 'is not allowed' }));
  }
  return [{ field: at.length > 0 ? at.join('.') : rootField, message: issue.message }];
}
