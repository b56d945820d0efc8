import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@app/identity';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config.js';

/**
 * Open event streams per caller on this gateway instance. Checked before anything is asked of the
 * orchestrator, so a flood of streams from one caller costs no upstream call (the orchestrator
 * caps them again, per caller and per instance).
 */
@Injectable()
export class EventStreamSlots {
  private readonly held = new Map<string, number>();
  private readonly perCaller: number;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.perCaller = config.EVENT_STREAMS_PER_CALLER;
  }

  /** Takes a slot or refuses with 429; the returned function gives it back (once). */
  take(caller: Principal): () => void {
    const key = `${caller.role}:${caller.subject}`;
    const held = this.held.get(key) ?? 0;
    if (held >= this.perCaller) {
      throw new HttpException(
        {
          statusCode: HttpStatus.TOO_MANY_REQUESTS,
          error: 'Too Many Requests',
          message: `at most ${this.perCaller} open event streams per caller`,
        },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    this.held.set(key, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.held.get(key) ?? 1) - 1;
      if (left > 0) this.held.set(key, left);
      else this.held.delete(key);
    };
  }
}
