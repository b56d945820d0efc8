import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiClient, type Saga, type SagaStep, messageOf } from './api-client.js';
import { CopyButton } from './copy-button.js';
import { ConfirmButton } from './confirm-button.js';
import { formatDuration, formatTime, shortId } from './display.js';
import { entryTone, spansOf } from './saga-timeline.js';
import type { Session } from './session.js';
import { StatusBadge } from './status-badge.js';

const TERMINAL = new Set(['COMPLETED', 'COMPENSATED', 'FAILED']);

/** One saga: its timeline live over server-sent events, a bar per step, and operator actions. */
export function SagaView({ session, sagaId }: { session: Session; sagaId: string }) {
  const api = new ApiClient(session);
  const [saga, setSaga] = useState<Saga>();
  const [entries, setEntries] = useState<SagaStep[]>([]);
  const [live, setLive] = useState(false);
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [generation, setGeneration] = useState(0);
  const [now, setNow] = useState(Date.now());
  /** Entries the stream has delivered, and entries on screen: the stream starts from the top. */
  const streamed = useRef(0);
  const shown = useRef(0);

  useEffect(() => {
    const abort = new AbortController();
    streamed.current = 0;
    const follow = async () => {
      try {
        const first = await api.saga(sagaId);
        if (abort.signal.aborted) return;
        setSaga(first);
        setEntries(first.steps);
        setError('');
        setLive(true);
        shown.current = first.steps.length;
        // The stream replays the timeline from its start: entries already shown are skipped (and
        // their old statuses with them, so the badge never steps back).
        await api.sagaEvents(
          sagaId,
          (_id, entry) => {
            streamed.current += 1;
            if (streamed.current <= shown.current) return;
            shown.current = streamed.current;
            setEntries((entries) => [...entries, entry]);
            setSaga((current) => current && { ...current, status: entry.status });
          },
          abort.signal,
        );
        if (abort.signal.aborted) return;
        // The stream ends with the saga: read its final state (and its reason, if it failed).
        const last = await api.saga(sagaId);
        setSaga(last);
        setEntries(last.steps);
        shown.current = last.steps.length;
      } catch (failure) {
        if (!abort.signal.aborted) setError(messageOf(failure));
      } finally {
        if (!abort.signal.aborted) setLive(false);
      }
    };
    void follow();
    return () => abort.abort();
  }, [sagaId, session.accessToken, generation]);

  // A step still waiting grows its bar until its reply comes.
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [live]);

  const act = async (action: 'retry' | 'compensate') => {
    try {
      const answer = await api.act(action, sagaId);
      setNotice(`${action === 'retry' ? 'Retry' : 'Compensation'} accepted: ${answer.status}`);
      setGeneration((value) => value + 1);
    } catch (failure) {
      setError(messageOf(failure));
    }
  };

  if (!saga) {
    return (
      <section class="card">
        <h1>Saga {shortId(sagaId)}</h1>
        <p role="alert" class="error">
          {error}
        </p>
        <p>{error ? '' : 'Loading…'}</p>
      </section>
    );
  }

  const start = entries.length ? Date.parse(entries[0].at) : Date.parse(saga.createdAt);
  const end = TERMINAL.has(saga.status) && entries.length ? Date.parse(entries.at(-1)!.at) : now;
  const spans = spansOf(entries, TERMINAL.has(saga.status) ? end : now);
  const total = Math.max(1, Math.max(end, ...spans.map((span) => span.end)) - start);

  return (
    <>
      <h1>
        Saga <span class="mono">{shortId(saga.id)}</span>{' '}
        <span data-testid="saga-status">
          <StatusBadge status={saga.status} />
        </span>
      </h1>
      <p role="alert" class="error">
        {error}
      </p>
      <p aria-live="polite" class="notice">
        {notice}
      </p>
      <section class="card" aria-labelledby="saga-facts">
        <h2 id="saga-facts">Facts</h2>
        <dl class="facts">
          <div>
            <dt>Saga id</dt>
            <dd>
              <code>{saga.id}</code> <CopyButton value={saga.id} label="saga id" />
            </dd>
          </div>
          <div>
            <dt>Type</dt>
            <dd>
              {saga.type} v{saga.definitionVersion}
            </dd>
          </div>
          <div>
            <dt>Trace id</dt>
            <dd>
              {saga.traceId ? (
                <>
                  <code data-testid="trace-id">{saga.traceId}</code>{' '}
                  <CopyButton value={saga.traceId} label="trace id" />
                </>
              ) : (
                '—'
              )}
            </dd>
          </div>
          <div>
            <dt>Order</dt>
            <dd>{saga.orderId ? <code>{saga.orderId}</code> : '—'}</dd>
          </div>
          <div>
            <dt>Duration</dt>
            <dd>
              {formatDuration(total)} <span class="hint">{live ? '(live)' : ''}</span>
            </dd>
          </div>
          {saga.lastError && (
            <div class="wide">
              <dt>Last error</dt>
              <dd class="failed-text">{saga.lastError}</dd>
            </div>
          )}
        </dl>
        {session.role === 'admin' && saga.status === 'FAILED' && (
          <ConfirmButton
            label="Retry"
            question={`Retry saga ${shortId(saga.id)}? Its failing command is sent again.`}
            onConfirm={() => act('retry')}
          />
        )}
        {session.role === 'admin' && saga.status === 'RUNNING' && (
          <ConfirmButton
            label="Compensate"
            question={`Compensate saga ${shortId(saga.id)}? Every step done so far is undone.`}
            onConfirm={() => act('compensate')}
          />
        )}
      </section>
      <section class="card" aria-labelledby="gantt-title">
        <h2 id="gantt-title">Steps</h2>
        <ol class="gantt">
          {spans.map((span, index) => (
            <li
              key={`${span.key}-${index}`}
              class={`span span-${span.direction} span-${span.outcome}`}
            >
              <span class="span-label">
                {span.direction === 'backward' ? `undo ${span.step}` : span.step}
                <span class="span-meta">
                  {' '}
                  {span.outcome} · {formatDuration(span.end - span.start)}
                  {span.sends > 1 ? ` · ${span.sends} sends` : ''}
                </span>
              </span>
              <span class="track" aria-hidden="true">
                <span
                  class="bar"
                  style={{
                    left: `${((span.start - start) / total) * 100}%`,
                    width: `${Math.max(0.8, ((span.end - span.start) / total) * 100)}%`,
                  }}
                />
              </span>
            </li>
          ))}
        </ol>
      </section>
      <section class="card" aria-labelledby="timeline-title">
        <h2 id="timeline-title">Timeline</h2>
        <div class="table-scroll" role="region" aria-labelledby="timeline-title" tabIndex={0}>
          <table class="timeline">
            <thead>
              <tr>
                <th scope="col">At</th>
                <th scope="col">+</th>
                <th scope="col">Step</th>
                <th scope="col">Event</th>
                <th scope="col">Message</th>
                <th scope="col">Detail</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((entry, index) => (
                <tr key={index} class={`tone-${entryTone(entry)}`} data-event={entry.event}>
                  <td>{formatTime(entry.at)}</td>
                  <td>{formatDuration(Date.parse(entry.at) - start)}</td>
                  <td>
                    {entry.direction === 'backward' ? 'undo ' : ''}
                    {entry.step}
                  </td>
                  <td>{entry.event}</td>
                  <td>
                    {entry.messageType ?? ''}
                    {entry.messageId && (
                      <>
                        <br />
                        <code title={entry.messageId}>{shortId(entry.messageId)}</code>{' '}
                        <CopyButton
                          value={entry.messageId}
                          label={`message id ${entry.messageId}`}
                        />
                      </>
                    )}
                  </td>
                  <td>{entry.detail ?? ''}</td>
                  <td>
                    <StatusBadge status={entry.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </>
  );
}
