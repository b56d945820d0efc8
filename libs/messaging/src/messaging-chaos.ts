import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Counter } from 'prom-client';
import { registerCounter } from '@app/metrics';
import {
  MESSAGING_OPTIONS,
  type MessagingChaosKind,
  type MessagingChaosOptions,
  type ResolvedMessagingOptions,
} from './messaging.options.js';

/** What happens to one published message; nothing set means it goes out as usual. */
export interface ChaosInjection {
  /** A copy (same id, properties, headers) is published this long after it was confirmed. */
  duplicateAfterMs?: number;
  /** It is held back this long while the messages after it are published. */
  holdMs?: number;
}

/** Late enough that the copy may reach another instance of the consumer, or come after a reply. */
export const DUPLICATE_DELAY_MS = { min: 0, max: 1000 } as const;
/** Long enough for later messages to overtake it, short of the e2e suites' step timeouts. */
export const HOLD_MS = { min: 50, max: 1000 } as const;

/** mulberry32, as chaos/random.mjs: a float in [0, 1) per call, the same sequence per seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The decisions, one per message, with no side effects: with a seed, the same messages meet the
 * same fate, so a chaos run can be replayed. Each kind draws whether it happens, then how long.
 */
export class ChaosDraws {
  private readonly random: () => number;
  private readonly duplicate: boolean;
  private readonly reorder: boolean;

  constructor(
    private readonly options: MessagingChaosOptions,
    random?: () => number,
  ) {
    this.random = random ?? (options.seed === undefined ? Math.random : seededRandom(options.seed));
    this.duplicate = options.kinds.includes('duplicate');
    this.reorder = options.kinds.includes('reorder');
  }

  next(): ChaosInjection {
    const injection: ChaosInjection = {};
    if (this.duplicate && this.random() < this.options.rate) {
      injection.duplicateAfterMs = this.between(DUPLICATE_DELAY_MS);
    }
    if (this.reorder && this.random() < this.options.rate) {
      injection.holdMs = this.between(HOLD_MS);
    }
    return injection;
  }

  private between({ min, max }: { min: number; max: number }): number {
    return min + Math.floor(this.random() * (max - min + 1));
  }
}

/**
 * `MESSAGING_CHAOS`: duplicated and reordered publishes made by the outbox relay, where real ones
 * come from (a confirm lost after the broker took the message, two relays, a retried batch), so
 * the chaos harness can check that the inboxes and the orchestrator absorb them. Off unless
 * configured; then the relay asks `draw` for every message it publishes. It says what it does in
 * the logs (the harness counts the lines) and in `sagaflow_messaging_chaos_injected_total`, and
 * owns the timers of held messages and late copies, so a shutdown ends them all.
 */
@Injectable()
export class MessagingChaos implements OnApplicationBootstrap {
  private readonly logger = new Logger(MessagingChaos.name);
  readonly enabled: boolean;
  /** This instance's injections, for tests. */
  readonly injected: Record<MessagingChaosKind, number> = { duplicate: 0, reorder: 0 };
  private readonly draws?: ChaosDraws;
  private readonly counter?: Counter<'kind'>;
  private readonly holds = new Set<() => void>();
  private readonly copies = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(@Inject(MESSAGING_OPTIONS) private readonly options: ResolvedMessagingOptions) {
    const chaos = options.chaos;
    this.enabled = chaos !== undefined && chaos.kinds.length > 0;
    if (!chaos || !this.enabled) return;
    this.draws = new ChaosDraws(chaos);
    // Registered only when on: a production /metrics never shows the series.
    this.counter = registerCounter({
      name: 'sagaflow_messaging_chaos_injected_total',
      help: 'Messages the outbox relay duplicated or held back on purpose (MESSAGING_CHAOS)',
      labelNames: ['kind'],
    });
  }

  onApplicationBootstrap(): void {
    const chaos = this.options.chaos;
    if (!this.enabled || !chaos) return;
    const seed = chaos.seed === undefined ? 'no seed' : `seed ${chaos.seed}`;
    this.logger.log({
      msg: `Messaging chaos on: ${chaos.kinds.join(', ')} at rate ${chaos.rate} (${seed}); for tests only`,
      messagingChaos: 'on',
    });
  }

  /**
   * What happens to one message about to be published. `canHold` is false while the caller
   * cannot hold it back (a held batch is already open); it is then published as usual.
   */
  draw(message: { messageId: string; type: string }, canHold: boolean): ChaosInjection {
    if (!this.draws || this.stopped) return {};
    const injection = this.draws.next();
    if (!canHold) delete injection.holdMs;
    if (injection.duplicateAfterMs !== undefined) {
      this.tell('duplicate', message, `publishing a copy ${injection.duplicateAfterMs} ms later`);
    }
    if (injection.holdMs !== undefined) {
      this.tell('reorder', message, `holding it back ${injection.holdMs} ms`);
    }
    return injection;
  }

  /** Resolves true after `ms`, or false at once when stopped first (on shutdown). */
  hold(ms: number): Promise<boolean> {
    if (this.stopped) return Promise.resolve(false);
    return new Promise((resolve) => {
      const release = () => {
        clearTimeout(timer);
        this.holds.delete(release);
        resolve(false);
      };
      const timer = setTimeout(() => {
        this.holds.delete(release);
        resolve(true);
      }, ms);
      this.holds.add(release);
    });
  }

  /** Runs `publish` (of a copy) `ms` from now, unless stopped first; a failed copy is dropped. */
  later(ms: number, publish: () => Promise<void>): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.copies.delete(timer);
      publish().catch((error: unknown) =>
        this.logger.debug(`A chaos copy was not published: ${String(error)}`),
      );
    }, ms);
    this.copies.add(timer);
  }

  /** Ends every hold (their rows stay unsent) and drops copies not yet published. */
  stop(): void {
    this.stopped = true;
    for (const release of [...this.holds]) release();
    for (const timer of this.copies) clearTimeout(timer);
    this.copies.clear();
  }

  private tell(
    kind: MessagingChaosKind,
    { messageId, type }: { messageId: string; type: string },
    what: string,
  ): void {
    this.injected[kind] += 1;
    this.counter?.inc({ kind });
    this.logger.warn({
      msg: `Messaging chaos: ${kind} of ${type} ${messageId}, ${what}`,
      messagingChaos: kind,
      messageId,
      messageType: type,
    });
  }
}
