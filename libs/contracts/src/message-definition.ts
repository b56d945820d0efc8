import { z } from 'zod';

/** `<service>.<kebab-name>`, e.g. `credit.reserve-credit`. */
export type MessageType = `${string}.${string}`;

const MESSAGE_TYPE = /^[a-z][a-z0-9-]*\.[a-z][a-z0-9-]*$/;

interface DefinitionBase<T extends MessageType, S extends z.ZodType> {
  readonly type: T;
  /** The service that owns the message: the part of `type` before the dot. */
  readonly service: string;
  readonly schema: S;
  /** Bumped on a breaking change of the payload; carried in every envelope. */
  readonly schemaVersion: number;
}

export interface ReplyDefinition<
  T extends MessageType = MessageType,
  S extends z.ZodType = z.ZodType,
> extends DefinitionBase<T, S> {
  readonly kind: 'reply';
}

export type FailureCodes = readonly [string, ...string[]];

/** A failure reply's payload: a code from a closed list and a human-readable reason. */
export type FailureSchema<C extends FailureCodes> = z.ZodObject<{
  code: z.ZodEnum<{ [K in C[number]]: K }>;
  reason: z.ZodString;
}>;

export interface FailureDefinition<
  T extends MessageType = MessageType,
  C extends FailureCodes = FailureCodes,
> extends ReplyDefinition<T, FailureSchema<C>> {
  readonly codes: C;
}

export interface CommandDefinition<
  T extends MessageType = MessageType,
  S extends z.ZodType = z.ZodType,
  R extends ReplyDefinition = ReplyDefinition,
  F extends FailureDefinition = FailureDefinition,
> extends DefinitionBase<T, S> {
  readonly kind: 'command';
  /** The reply sent when the command succeeded. */
  readonly reply: R;
  /** The reply sent when the command failed for a business reason. */
  readonly failure: F;
}

export type MessageDefinition = CommandDefinition | ReplyDefinition;

/** The TypeScript type of a message's payload. */
export type PayloadOf<D extends { schema: z.ZodType }> = z.infer<D['schema']>;

/** What a handler of `D` returns: the success reply's payload for a command, nothing for a reply. */
export type ResultOf<D extends MessageDefinition> = D extends CommandDefinition
  ? PayloadOf<D['reply']>
  : void;

/** A failure code a command's handler may answer with. */
export type FailureCodeOf<D extends CommandDefinition> = D['failure']['codes'][number];

interface DefineOptions {
  schemaVersion?: number;
}

function base<T extends MessageType, S extends z.ZodType>(
  type: T,
  schema: S,
  options: DefineOptions,
) {
  if (!MESSAGE_TYPE.test(type)) {
    throw new Error(`Message type "${type}" is not of the form <service>.<kebab-name>`);
  }
  return { type, service: type.split('.')[0], schema, schemaVersion: options.schemaVersion ?? 1 };
}

/** A reply (past tense): the outcome of a command. */
export function defineReply<const T extends MessageType, S extends z.ZodType>(
  type: T,
  schema: S,
  options: DefineOptions = {},
): ReplyDefinition<T, S> {
  return { kind: 'reply', ...base(type, schema, options) };
}

/** A failure reply: `{ code, reason }` where `code` is one of `codes`. */
export function defineFailure<const T extends MessageType, const C extends FailureCodes>(
  type: T,
  codes: C,
  options: DefineOptions = {},
): FailureDefinition<T, C> {
  const schema = z.object({
    code: z.enum(codes as unknown as { [K in C[number]]: K }),
    reason: z.string().min(1),
  }) as FailureSchema<C>;
  return { kind: 'reply', codes, ...base(type, schema, options) };
}

/** A command (imperative), with the replies that answer it. */
export function defineCommand<
  const T extends MessageType,
  S extends z.ZodType,
  R extends ReplyDefinition,
  F extends FailureDefinition,
>(
  type: T,
  schema: S,
  replies: { reply: R; failure: F } & DefineOptions,
): CommandDefinition<T, S, R, F> {
  return {
    kind: 'command',
    ...base(type, schema, replies),
    reply: replies.reply,
    failure: replies.failure,
  };
}
