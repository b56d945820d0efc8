import { useState } from 'preact/hooks';
import { ApiClient, type DeadLetter, messageOf } from './api-client.js';
import { ConfirmButton } from './confirm-button.js';
import { formatDuration, shortId } from './display.js';
import { RecordTable } from './record-table.js';
import type { Session } from './session.js';
import { StatusBadge } from './status-badge.js';
import { usePolling } from './use-polling.js';

const QUEUES = [
  'order.commands',
  'credit.commands',
  'payment.commands',
  'saga-orchestrator.replies',
];

/** Messages no consumer could handle, by queue, with why; replay or discard each. */
export function DeadLettersView({ session }: { session: Session }) {
  const api = new ApiClient(session);
  const [queue, setQueue] = useState('');
  const [status, setStatus] = useState('PENDING');
  const [letters, setLetters] = useState<DeadLetter[]>();
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const [generation, setGeneration] = useState(0);

  usePolling(
    async () => {
      try {
        setLetters((await api.deadLetters({ queue, status, limit: '50' })).items);
        setError('');
      } catch (failure) {
        setError(messageOf(failure));
      }
    },
    3000,
    [queue, status, generation, session.accessToken],
  );

  const act = async (action: 'replay' | 'discard', letter: DeadLetter) => {
    try {
      await api.actOnDeadLetter(action, letter.id);
      setNotice(`${action === 'replay' ? 'Replayed' : 'Discarded'} ${shortId(letter.messageId)}`);
      setGeneration((value) => value + 1);
    } catch (failure) {
      setError(messageOf(failure));
    }
  };

  return (
    <>
      <h1>Dead letters</h1>
      <section class="card" aria-labelledby="letters-title">
        <h2 id="letters-title">Messages no consumer could handle</h2>
        <form class="filters" onSubmit={(event) => event.preventDefault()}>
          <label>
            Queue
            <select
              name="queue"
              value={queue}
              onChange={(event) => setQueue(event.currentTarget.value)}
            >
              <option value="">every queue</option>
              {QUEUES.map((value) => (
                <option key={value}>{value}</option>
              ))}
            </select>
          </label>
          <label>
            Status
            <select
              name="deadLetterStatus"
              value={status}
              onChange={(event) => setStatus(event.currentTarget.value)}
            >
              <option>PENDING</option>
              <option>REPLAYED</option>
              <option>DISCARDED</option>
            </select>
          </label>
        </form>
        <p role="alert" class="error">
          {error}
        </p>
        <p aria-live="polite" class="notice">
          {notice}
        </p>
        <RecordTable
          labelledBy="letters-title"
          columns={['Queue', 'Type', 'Reason', 'Saga', 'Age', 'Status', 'Actions']}
          empty="No dead letters here."
          rows={letters?.map((letter) => (
            <tr key={letter.id} data-message-id={letter.messageId}>
              <td>{letter.queue}</td>
              <td>{letter.type ?? 'no type'}</td>
              <td class="reason">{letter.reason}</td>
              <td>
                {letter.sagaId ? (
                  <a class="mono" href={`#/sagas/${letter.sagaId}`}>
                    {shortId(letter.sagaId)}
                  </a>
                ) : (
                  '—'
                )}
              </td>
              <td>{formatDuration(letter.ageSeconds * 1000)}</td>
              <td>
                <StatusBadge status={letter.status} />
              </td>
              <td>
                {letter.status === 'PENDING' && (
                  <>
                    <ConfirmButton
                      label="Replay"
                      disabled={!letter.replayable}
                      question={`Send message ${shortId(letter.messageId)} again to ${letter.queue}?`}
                      onConfirm={() => act('replay', letter)}
                    />{' '}
                    <ConfirmButton
                      label="Discard"
                      question={`Give up on message ${shortId(letter.messageId)}? It stays in the audit.`}
                      onConfirm={() => act('discard', letter)}
                    />
                  </>
                )}
              </td>
            </tr>
          ))}
        />
      </section>
    </>
  );
}
