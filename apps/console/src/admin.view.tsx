import { useState } from 'preact/hooks';
import {
  ApiClient,
  SAGA_STATUSES,
  type BulkActionResult,
  type BulkFilter,
  type SagaSummary,
  type ServiceInstance,
  messageOf,
} from './api-client.js';
import { ConfirmButton } from './confirm-button.js';
import { formatAge, shortId } from './display.js';
import { RecordTable } from './record-table.js';
import { ThroughputChart } from './throughput-chart.js';
import type { Session } from './session.js';
import { StatusBadge } from './status-badge.js';
import { usePolling } from './use-polling.js';

const AGES = [
  { value: '', label: 'any age' },
  { value: '1m', label: 'older than 1 minute' },
  { value: '15m', label: 'older than 15 minutes' },
  { value: '1h', label: 'older than 1 hour' },
  { value: '1d', label: 'older than 1 day' },
];
const PAGE_SIZE = '20';
const SAGA_TYPES = ['place-order'];
const STEPS = ['create pending order', 'reserve credit', 'charge payment', 'approve order'];

/** The operator's view: sagas by status, type and age; bulk repair; the registry; throughput. */
export function AdminView({ session }: { session: Session }) {
  return (
    <>
      <h1>Operations</h1>
      <SagaList session={session} />
      <BulkRepair session={session} />
      <div class="grid">
        <Registry session={session} />
        <ThroughputChart session={session} />
      </div>
    </>
  );
}

function SagaList({ session }: { session: Session }) {
  const api = new ApiClient(session);
  const [status, setStatus] = useState('');
  const [type, setType] = useState('');
  const [olderThan, setOlderThan] = useState('');
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [page, setPage] = useState<{ items: SagaSummary[]; nextCursor: string | null }>();
  const [error, setError] = useState('');
  const [notice, setNotice] = useState('');
  const cursor = cursors.at(-1);

  usePolling(
    async () => {
      try {
        setPage(await api.sagas({ status, type, olderThan, cursor, limit: PAGE_SIZE }));
        setError('');
      } catch (failure) {
        setError(messageOf(failure));
      }
    },
    2000,
    [status, type, olderThan, cursor, session.accessToken],
  );

  const act = async (action: 'retry' | 'compensate', saga: SagaSummary) => {
    try {
      const answer = await api.act(action, saga.id);
      setNotice(`${action} of ${shortId(saga.id)} accepted: now ${answer.status}`);
      setPage(await api.sagas({ status, type, olderThan, cursor, limit: PAGE_SIZE }));
    } catch (failure) {
      setError(messageOf(failure));
    }
  };
  const refilter = (apply: () => void) => {
    apply();
    setCursors([undefined]);
  };

  return (
    <section class="card" aria-labelledby="sagas-title">
      <h2 id="sagas-title">Sagas</h2>
      <form class="filters" onSubmit={(event) => event.preventDefault()}>
        <label>
          Status
          <select
            name="status"
            value={status}
            onChange={(event) => refilter(() => setStatus(event.currentTarget.value))}
          >
            <option value="">any status</option>
            {SAGA_STATUSES.map((value) => (
              <option key={value}>{value}</option>
            ))}
          </select>
        </label>
        <label>
          Type
          <select
            name="type"
            value={type}
            onChange={(event) => refilter(() => setType(event.currentTarget.value))}
          >
            <option value="">any type</option>
            {SAGA_TYPES.map((value) => (
              <option key={value}>{value}</option>
            ))}
          </select>
        </label>
        <label>
          Age
          <select
            name="olderThan"
            value={olderThan}
            onChange={(event) => refilter(() => setOlderThan(event.currentTarget.value))}
          >
            {AGES.map((age) => (
              <option key={age.value} value={age.value}>
                {age.label}
              </option>
            ))}
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
        labelledBy="sagas-title"
        columns={['Saga', 'Type', 'Status', 'Created', 'Reason', 'Actions']}
        empty="No saga matches."
        rows={page?.items.map((saga) => (
          <tr
            key={saga.id}
            data-saga-id={saga.id}
            class={saga.status === 'FAILED' ? 'row-failed' : ''}
          >
            <td>
              <a class="mono" href={`#/sagas/${saga.id}`}>
                {shortId(saga.id)}
              </a>
            </td>
            <td>{saga.type}</td>
            <td>
              <StatusBadge status={saga.status} />
            </td>
            <td>{formatAge(saga.createdAt)}</td>
            <td class="reason">{saga.lastError ?? ''}</td>
            <td>
              {saga.status === 'FAILED' && (
                <ConfirmButton
                  label="Retry"
                  question={`Retry saga ${shortId(saga.id)}? Its failing command is sent again.`}
                  onConfirm={() => act('retry', saga)}
                />
              )}
              {saga.status === 'RUNNING' && (
                <ConfirmButton
                  label="Compensate"
                  question={`Compensate saga ${shortId(saga.id)}? Every step done so far is undone.`}
                  onConfirm={() => act('compensate', saga)}
                />
              )}
            </td>
          </tr>
        ))}
      />
      <nav class="pager" aria-label="Saga pages">
        <button
          type="button"
          class="secondary"
          disabled={cursors.length === 1}
          onClick={() => setCursors(cursors.slice(0, -1))}
        >
          Previous page
        </button>
        <span>Page {cursors.length}</span>
        <button
          type="button"
          class="secondary"
          disabled={!page?.nextCursor}
          onClick={() => page?.nextCursor && setCursors([...cursors, page.nextCursor])}
        >
          Next page
        </button>
      </nav>
    </section>
  );
}

function BulkRepair({ session }: { session: Session }) {
  const api = new ApiClient(session);
  const [action, setAction] = useState<'retry' | 'compensate'>('retry');
  const [filter, setFilter] = useState<BulkFilter>({ status: 'FAILED' });
  const [preview, setPreview] = useState<BulkActionResult>();
  const [result, setResult] = useState<BulkActionResult>();
  const [error, setError] = useState('');

  const cleaned = (): BulkFilter => {
    const { from, to, ...rest } = filter;
    return {
      ...Object.fromEntries(Object.entries(rest).filter(([, value]) => value)),
      ...(from ? { from: new Date(from).toISOString() } : {}),
      ...(to ? { to: new Date(to).toISOString() } : {}),
    };
  };
  const change = (field: keyof BulkFilter, value: string) => {
    setFilter({ ...filter, [field]: value || undefined });
    setPreview(undefined);
  };
  const dryRun = async (event: Event) => {
    event.preventDefault();
    setResult(undefined);
    try {
      setPreview(await api.bulk(action, cleaned(), true));
      setError('');
    } catch (failure) {
      setError(messageOf(failure));
    }
  };
  const apply = async () => {
    try {
      setResult(await api.bulk(action, cleaned(), false));
      setPreview(undefined);
      setError('');
    } catch (failure) {
      setError(messageOf(failure));
    }
  };
  const shown = result ?? preview;

  return (
    <section class="card" aria-labelledby="bulk-title">
      <h2 id="bulk-title">Bulk repair</h2>
      <form class="filters" onSubmit={(event) => void dryRun(event)}>
        <label>
          Action
          <select
            name="action"
            value={action}
            onChange={(event) => {
              setAction(event.currentTarget.value as 'retry' | 'compensate');
              setPreview(undefined);
            }}
          >
            <option value="retry">retry (FAILED sagas)</option>
            <option value="compensate">compensate (RUNNING sagas)</option>
          </select>
        </label>
        <label>
          Type
          <select
            name="bulkType"
            value={filter.type ?? ''}
            onChange={(event) => change('type', event.currentTarget.value)}
          >
            <option value="">any type</option>
            {SAGA_TYPES.map((value) => (
              <option key={value}>{value}</option>
            ))}
          </select>
        </label>
        <label>
          Status
          <select
            name="bulkStatus"
            value={filter.status ?? ''}
            onChange={(event) => change('status', event.currentTarget.value)}
          >
            <option value="">any status</option>
            {SAGA_STATUSES.map((value) => (
              <option key={value}>{value}</option>
            ))}
          </select>
        </label>
        <label>
          Failing step
          <select
            name="bulkStep"
            value={filter.step ?? ''}
            onChange={(event) => change('step', event.currentTarget.value)}
          >
            <option value="">any step</option>
            {STEPS.map((value) => (
              <option key={value}>{value}</option>
            ))}
          </select>
        </label>
        <label>
          Created from
          <input
            type="datetime-local"
            step="1"
            name="bulkFrom"
            value={filter.from ?? ''}
            onInput={(event) => change('from', event.currentTarget.value)}
          />
        </label>
        <label>
          Created before
          <input
            type="datetime-local"
            step="1"
            name="bulkTo"
            value={filter.to ?? ''}
            onInput={(event) => change('to', event.currentTarget.value)}
          />
        </label>
        <div class="actions">
          <button type="submit">Preview (dry run)</button>
          {preview && preview.sagas.length > 0 && (
            <ConfirmButton
              label={`Apply ${action} to ${preview.sagas.length} sagas`}
              question={`${action === 'retry' ? 'Retry' : 'Compensate'} ${preview.sagas.length} sagas? Each action is recorded on its saga's timeline as yours (${session.subject}).`}
              onConfirm={apply}
            />
          )}
        </div>
      </form>
      <p role="alert" class="error">
        {error}
      </p>
      {shown && (
        <div aria-live="polite">
          <p data-testid="bulk-summary">
            {shown.dryRun
              ? `Dry run: ${shown.sagas.length} sagas would be touched.`
              : `Applied: ${shown.sagas.filter((saga) => saga.outcome === 'accepted').length} of ${shown.sagas.length} accepted.`}
            {shown.truncated ? ' More matched: run it again for the rest.' : ''}
          </p>
          <div
            class="table-scroll"
            role="region"
            aria-label="Sagas of the bulk action"
            tabIndex={0}
          >
            <table>
              <thead>
                <tr>
                  <th scope="col">Saga</th>
                  <th scope="col">Status when listed</th>
                  <th scope="col">Step</th>
                  <th scope="col">Created</th>
                  <th scope="col">Outcome</th>
                </tr>
              </thead>
              <tbody>
                {shown.sagas.map((saga) => (
                  <tr key={saga.id} data-bulk-saga-id={saga.id}>
                    <td>
                      <a class="mono" href={`#/sagas/${saga.id}`}>
                        {shortId(saga.id)}
                      </a>
                    </td>
                    <td>
                      <StatusBadge status={saga.status} />
                    </td>
                    <td>{saga.step ?? '—'}</td>
                    <td>{formatAge(saga.createdAt)}</td>
                    <td>
                      {saga.outcome
                        ? `${saga.outcome}${saga.reason ? `: ${saga.reason}` : ''}`
                        : 'would be acted on'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </section>
  );
}

function Registry({ session }: { session: Session }) {
  const api = new ApiClient(session);
  const [instances, setInstances] = useState<ServiceInstance[]>();
  const [error, setError] = useState('');
  usePolling(
    async () => {
      try {
        const list = await api.registry();
        setInstances(
          [...list].sort((a, b) => `${a.service}${a.id}`.localeCompare(`${b.service}${b.id}`)),
        );
        setError('');
      } catch (failure) {
        setError(messageOf(failure));
      }
    },
    2000,
    [session.accessToken],
  );
  return (
    <section class="card" aria-labelledby="registry-title">
      <h2 id="registry-title">Service registry</h2>
      <p role="alert" class="error">
        {error}
      </p>
      <RecordTable
        labelledBy="registry-title"
        columns={['Service', 'Instance', 'Health', 'Last check', 'Failures']}
        rows={instances?.map((instance) => (
          <tr key={`${instance.service}-${instance.id}`} data-service={instance.service}>
            <td>{instance.service}</td>
            <td>
              <span class="mono">{instance.url}</span>
            </td>
            <td>
              <StatusBadge status={instance.status} />
            </td>
            <td>{instance.lastCheck ? formatAge(instance.lastCheck) : 'never'}</td>
            <td>{instance.failures}</td>
          </tr>
        ))}
      />
    </section>
  );
}
