import { HttpStatus } from '@nestjs/common';

/**
 * An error the gateway answers with a known status. Each subclass fixes its status here, so the
 * exception filter is the one place that turns errors into HTTP answers.
 */
export abstract class GatewayError extends Error {
  abstract readonly status: HttpStatus;
  /** For a 503: whole seconds until a retry may succeed, sent as `Retry-After`. */
  readonly retryAfterSeconds?: number;
  constructor(
    message: string,
    /** Only for errors about the request's own fields; never internals. */
    readonly details?: unknown,
  ) {
    super(message);
  }
}

/** Why a service could not take a request. */
export type UnavailableReason = 'no-healthy-instance' | 'circuit-open' | 'unreachable';

const UNAVAILABLE_BECAUSE: Record<UnavailableReason, string> = {
  'no-healthy-instance': 'it has no healthy instance',
  'circuit-open': 'its recent requests failed',
  unreachable: 'no instance could be reached',
};

/**
 * A service could not take the request: 503 with `Retry-After`, naming the service, so a client
 * knows which part is down and when to try again; every other route keeps working.
 */
export class UpstreamUnavailableError extends GatewayError {
  readonly status = HttpStatus.SERVICE_UNAVAILABLE;
  constructor(
    readonly service: string,
    readonly reason: UnavailableReason = 'unreachable',
    /** Whole seconds, at least 1. */
    override readonly retryAfterSeconds = 1,
  ) {
    super(`The ${service} service is unavailable: ${UNAVAILABLE_BECAUSE[reason]}; try again later`);
    this.name = 'UpstreamUnavailableError';
  }
}

/** A service did not answer within the upstream timeout: 504. */
export class UpstreamTimeoutError extends GatewayError {
  readonly status = HttpStatus.GATEWAY_TIMEOUT;
  constructor(readonly service: string) {
    super(`${service} did not answer in time`);
    this.name = 'UpstreamTimeoutError';
  }
}

/**
 * A service answered with an error. Its 4xx (not found, conflict, validation) reach the client
 * as they are; its own failures become 502, without its words, since they may say too much.
 */
export class UpstreamResponseError extends GatewayError {
  readonly status: HttpStatus;
  /** When the service answered 503 (busy): the wait it asked for, passed on. */
  override readonly retryAfterSeconds: number | undefined;
  constructor(
    readonly service: string,
    readonly upstreamStatus: number,
    message: string | undefined,
    details?: unknown,
    retryAfter?: string,
  ) {
    const passedThrough = upstreamStatus >= 400 && upstreamStatus < 500;
    const busy = upstreamStatus === 503;
    super(
      passedThrough && message
        ? message
        : busy
          ? `The ${service} service is busy; try again later`
          : `${service} failed to answer the request`,
      passedThrough ? details : undefined,
    );
    this.retryAfterSeconds = busy ? retryAfterSecondsOf(retryAfter) : undefined;
    this.name = 'UpstreamResponseError';
    this.status = passedThrough
      ? upstreamStatus
      : busy
        ? HttpStatus.SERVICE_UNAVAILABLE
        : HttpStatus.BAD_GATEWAY;
  }
}

/** A `Retry-After` in whole seconds (1 to 60); 1 when absent or a date. */
function retryAfterSecondsOf(header: string | undefined): number {
  const seconds = /^\d{1,9}$/.test(header ?? '') ? Number(header) : 1;
  return Math.min(Math.max(seconds, 1), 60);
}
