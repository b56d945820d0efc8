import {
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
  type MessageEvent,
  type OnModuleDestroy,
} from '@nestjs/common';
import type { Principal } from '@app/identity';
import { transientFailureOf } from '@app/persistence';
import {
  isTerminal,
  SagaChanges,
  SagaQueries,
  type SagaMove,
  type SagaStepRecord,
} from '@app/saga';
import { auditTime, filter, Observable, Subject, type Subscription } from 'rxjs';
import { stepOf } from './saga.view.js';

export const SAGA_EVENT_STREAM_LIMITS = Symbol('SAGA_EVENT_STREAM_LIMITS');

export interface SagaEventStreamLimits {
  /** Open streams one caller may hold on this instance; beyond it, 429. */
  perPrincipal: number;
  /** Open streams on this instance, all callers together; beyond it, 429. */
  perInstance: number;
  /** A stream ends after this long even if its saga has not: the client reconnects. */
  maxLifetimeMs: number;
  /** A comment-like event this often keeps proxies from closing a quiet stream. */
  heartbeatMs: number;
  /** How often one shared query looks for sagas moved by another orchestrator instance. */
  pollMs: number;
}

/** Polled wake-ups that come together are read together. */
const COALESCE_MS = 2;
/** Timeline entries read at once: a long timeline is sent in pages, not one unbounded read. */
const STEPS_PER_READ = 200;

/**
 * The live timeline of sagas, for every open stream of this instance. Streams are counted per
 * caller and in all, and each ends at its saga's terminal status or its maximum lifetime. A stream
 * reads its saga once, then follows the moves committed in this process as they come, without a
 * query; it reads again only when a move does not continue what it has sent (one made by another
 * instance came between), and a single poll (one query for every watched saga) notices sagas
 * moved by another instance.
 */
@Injectable()
export class SagaEventStreams implements OnModuleDestroy {
  private readonly logger = new Logger(SagaEventStreams.name);
  private readonly openByPrincipal = new Map<string, number>();
  private open = 0;
  /** Watched saga id → its readers' count and the newest version they are known to have sent. */
  private readonly watched = new Map<string, { readers: number; version?: number }>();
  private readonly polled = new Subject<string>();
  private poller?: NodeJS.Timeout;
  private polling = false;

  constructor(
    private readonly queries: SagaQueries,
    private readonly changes: SagaChanges,
    @Inject(SAGA_EVENT_STREAM_LIMITS) private readonly limits: SagaEventStreamLimits,
  ) {}

  /**
   * Takes a stream slot for `caller` (or refuses with 429) before `authorize` reads anything, so a
   * flood of refused streams costs no query; the slot is released when the stream ends or
   * `authorize` fails.
   */
  async open$(
    caller: Principal,
    sagaId: string,
    authorize: () => Promise<void> = () => Promise.resolve(),
  ): Promise<Observable<MessageEvent>> {
    const key = `${caller.role}:${caller.subject}`;
    const held = this.openByPrincipal.get(key) ?? 0;
    if (held >= this.limits.perPrincipal) {
      throw tooMany(`at most ${this.limits.perPrincipal} open event streams per caller`);
    }
    if (this.open >= this.limits.perInstance) {
      throw tooMany('this instance serves as many event streams as it can; retry later');
    }
    this.openByPrincipal.set(key, held + 1);
    this.open += 1;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      this.open -= 1;
      const left = (this.openByPrincipal.get(key) ?? 1) - 1;
      if (left > 0) this.openByPrincipal.set(key, left);
      else this.openByPrincipal.delete(key);
    };
    try {
      await authorize();
    } catch (error) {
      release();
      throw error;
    }
    let subscribed = false;
    // Nest subscribes at once; a stream never subscribed must not hold its slot for ever.
    setImmediate(() => {
      if (!subscribed) release();
    });
    return this.stream$(sagaId, release, () => (subscribed = true));
  }

  private stream$(
    sagaId: string,
    release: () => void,
    onSubscribe: () => void,
  ): Observable<MessageEvent> {
    return new Observable<MessageEvent>((subscriber) => {
      onSubscribe();
      const subscriptions: Subscription[] = [];
      /** The last timeline entry sent, and the saga's version that entries sent so far reach. */
      let seen = 0;
      let version: number | undefined;
      let reading = false;
      let readAgain = false;
      let retry: NodeJS.Timeout | undefined;
      const send = (steps: SagaStepRecord[]): void => {
        for (const step of steps) {
          if (subscriber.closed || step.id <= seen) continue;
          subscriber.next({
            id: String(step.id),
            type: 'transition',
            data: { sagaId, ...stepOf(step) },
          });
          seen = step.id;
        }
      };
      const read = async (): Promise<void> => {
        if (reading) {
          // One read at a time; wake-ups during it collapse into one more read, never a queue.
          readAgain = true;
          return;
        }
        reading = true;
        try {
          do {
            readAgain = false;
            let progress;
            do {
              // The status and the entries from one snapshot: once the status is terminal, the
              // entries include every one that led there, so the stream can end with them.
              progress = await this.queries.progress(sagaId, seen, STEPS_PER_READ);
              send(progress.steps);
              if (subscriber.closed) return;
            } while (progress.steps.length === STEPS_PER_READ);
            version = progress.version;
            this.reached(sagaId, version);
            if (!progress.status || isTerminal(progress.status)) {
              subscriber.complete();
              return;
            }
          } while (readAgain && !subscriber.closed);
        } catch (error) {
          if (!transientFailureOf(error)) {
            subscriber.error(error);
            return;
          }
          // A busy or restarting database: the stream stays open and reads again shortly.
          this.logger.warn(`Event stream of saga ${sagaId} reads again: ${String(error)}`);
          clearTimeout(retry);
          retry = setTimeout(() => void read(), this.limits.pollMs);
        } finally {
          reading = false;
        }
      };
      /** A move that continues what was sent is sent as it came; anything else means a read. */
      const follow = (move: SagaMove): void => {
        if (reading || !move.steps || version === undefined || move.from !== version) {
          void read();
          return;
        }
        send(move.steps);
        version = move.to;
        this.reached(sagaId, version);
        if (isTerminal(move.status)) subscriber.complete();
      };
      this.watch(sagaId);
      subscriptions.push(
        this.changes.of(sagaId).subscribe(follow),
        this.polled
          .pipe(
            filter((moved) => moved === sagaId),
            auditTime(COALESCE_MS),
          )
          .subscribe(() => void read()),
      );
      const heartbeat = setInterval(
        () => subscriber.next({ type: 'heartbeat', data: '' }),
        this.limits.heartbeatMs,
      );
      const lifetime = setTimeout(() => subscriber.complete(), this.limits.maxLifetimeMs);
      void read();
      return () => {
        clearInterval(heartbeat);
        clearTimeout(lifetime);
        clearTimeout(retry);
        for (const subscription of subscriptions) subscription.unsubscribe();
        this.unwatch(sagaId);
        release();
      };
    });
  }

  /** How many streams are open on this instance (for tests and metrics). */
  get openStreams(): number {
    return this.open;
  }

  onModuleDestroy(): void {
    if (this.poller) clearInterval(this.poller);
  }

  private watch(sagaId: string): void {
    const entry = this.watched.get(sagaId);
    if (entry) entry.readers += 1;
    else this.watched.set(sagaId, { readers: 1 });
    this.poller ??= setInterval(() => void this.poll(), this.limits.pollMs);
  }

  private unwatch(sagaId: string): void {
    const entry = this.watched.get(sagaId);
    if (!entry) return;
    entry.readers -= 1;
    if (entry.readers > 0) return;
    this.watched.delete(sagaId);
    if (this.watched.size === 0 && this.poller) {
      clearInterval(this.poller);
      this.poller = undefined;
    }
  }

  /** A reader of `sagaId` has sent what its saga's `version` wrote: the poll need not wake it. */
  private reached(sagaId: string, version: number | undefined): void {
    const entry = this.watched.get(sagaId);
    if (entry && version !== undefined && (entry.version ?? 0) < version) entry.version = version;
  }

  /**
   * One query for every watched saga; wakes the readers of those at a version they have not sent
   * (moved by another instance). A saga whose readers have not read it yet is being read.
   */
  private async poll(): Promise<void> {
    if (this.polling || this.watched.size === 0) return;
    this.polling = true;
    try {
      const versions = await this.queries.versions([...this.watched.keys()]);
      for (const [sagaId, entry] of this.watched) {
        const version = versions.get(sagaId);
        if (version === undefined || entry.version === undefined) continue;
        if (version <= entry.version) continue;
        entry.version = version;
        this.polled.next(sagaId);
      }
    } catch (error) {
      // The next tick tries again; the streams stay open.
      this.logger.warn(`Event stream poll failed: ${String(error)}`);
    } finally {
      this.polling = false;
    }
  }
}

function tooMany(message: string): HttpException {
  return new HttpException(
    { statusCode: HttpStatus.TOO_MANY_REQUESTS, error: 'Too Many Requests', message },
    HttpStatus.TOO_MANY_REQUESTS,
  );
}
