import type { SagaStep } from './api-client.js';

/** One bar of the Gantt chart: a step (or its compensation) from its first command to its end. */
export interface StepSpan {
  key: string;
  step: string;
  direction: 'forward' | 'backward';
  start: number;
  end: number;
  outcome: 'succeeded' | 'failed' | 'timed-out' | 'waiting' | 'operator';
  /** Sends of its command: more than one means re-sends or retries. */
  sends: number;
}

const OPEN_EVENTS = new Set(['sent', 'resent', 'waiting', 'retry-scheduled']);

/**
 * Groups the timeline into spans, in the order the steps ran. A span still waiting for its reply
 * runs up to `now`.
 */
export function spansOf(entries: SagaStep[], now: number): StepSpan[] {
  const spans: StepSpan[] = [];
  for (const entry of entries) {
    const at = Date.parse(entry.at);
    const key = `${entry.direction}:${entry.step}`;
    let span = spans.at(-1);
    if (!span || span.key !== key) {
      if (entry.event === 'ignored') continue;
      span = {
        key,
        step: entry.step,
        direction: entry.direction,
        start: at,
        end: at,
        outcome: 'waiting',
        sends: 0,
      };
      spans.push(span);
    }
    span.end = at;
    if (entry.event === 'sent' || entry.event === 'resent') span.sends += 1;
    if (entry.event === 'operator') span.outcome = 'operator';
    else if (!OPEN_EVENTS.has(entry.event) && entry.event !== 'ignored') {
      span.outcome = entry.event as StepSpan['outcome'];
    } else if (OPEN_EVENTS.has(entry.event)) span.outcome = 'waiting';
  }
  const last = spans.at(-1);
  if (last && last.outcome === 'waiting') last.end = Math.max(last.end, now);
  return spans;
}

/** A timeline entry that is a failure, a timeout or part of undoing the saga. */
export function entryTone(entry: SagaStep): 'failed' | 'compensation' | 'operator' | 'normal' {
  if (entry.event === 'failed' || entry.event === 'timed-out') return 'failed';
  if (entry.event === 'operator') return 'operator';
  if (entry.direction === 'backward') return 'compensation';
  return 'normal';
}
