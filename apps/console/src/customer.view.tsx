import { useState } from 'preact/hooks';
import { ApiClient, type CustomerCredit, type Order, messageOf } from './api-client.js';
import { formatAge, formatMoney, shortId } from './display.js';
import type { Session } from './session.js';
import { StatusBadge } from './status-badge.js';
import { usePolling } from './use-polling.js';

/** The payment simulator's test tokens (DESIGN §2): each takes the saga down another path. */
export const PAYMENT_TOKENS = [
  {
    token: 'tok_approve',
    label: 'Approve',
    explains: 'The card is charged: the order is approved.',
  },
  {
    token: 'tok_decline',
    label: 'Decline',
    explains: 'The card is declined: the credit is released and the order rejected.',
  },
  {
    token: 'tok_insufficient_funds',
    label: 'Insufficient funds',
    explains: 'The bank refuses: the credit is released and the order rejected.',
  },
  {
    token: 'tok_slow',
    label: 'Slow',
    explains:
      'The charge answers after the step timeout: the outcome is unknown, so the saga voids the charge and rejects the order.',
  },
  {
    token: 'tok_flaky',
    label: 'Flaky',
    explains: 'The provider fails once, then charges: the order is approved after a retry.',
  },
] as const;

/** Orders placed in this tab, with their sagas: an order answer does not name its saga. */
const SAGAS_KEY = 'sagaflow.sagas-by-order';

function sagasByOrder(): Record<string, string> {
  return JSON.parse(sessionStorage.getItem(SAGAS_KEY) ?? '{}') as Record<string, string>;
}

function rememberSaga(orderId: string, sagaId: string): void {
  sessionStorage.setItem(SAGAS_KEY, JSON.stringify({ ...sagasByOrder(), [orderId]: sagaId }));
}

export function CustomerView({ session }: { session: Session }) {
  const api = new ApiClient(session);
  const [credit, setCredit] = useState<CustomerCredit>();
  const [orders, setOrders] = useState<Order[]>();
  const [error, setError] = useState('');
  const [amount, setAmount] = useState('25.00');
  const [token, setToken] = useState<string>('tok_approve');
  const [placing, setPlacing] = useState(false);
  const [placed, setPlaced] = useState('');

  // Live enough for a person: credit and order statuses every 1.5 s while the view is open.
  usePolling(
    async () => {
      if (!session.customerId) return;
      try {
        const [nextCredit, page] = await Promise.all([
          api.credit(session.customerId),
          api.orders({ limit: '20' }),
        ]);
        setCredit(nextCredit);
        setOrders(page.items);
        setError('');
      } catch (failure) {
        setError(messageOf(failure));
      }
    },
    1500,
    [session.accessToken],
  );

  const currency = credit?.creditLimit.currency ?? 'EUR';
  const place = async (event: Event) => {
    event.preventDefault();
    setPlacing(true);
    setPlaced('');
    try {
      const minor = Math.round(Number(amount) * 100);
      const answer = await api.placeOrder({ amount: minor, currency }, token, crypto.randomUUID());
      rememberSaga(answer.orderId, answer.sagaId);
      setPlaced(answer.sagaId);
      setError('');
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setPlacing(false);
    }
  };
  const chosen = PAYMENT_TOKENS.find((candidate) => candidate.token === token);
  const sagas = sagasByOrder();

  return (
    <>
      <h1>My account</h1>
      <p role="alert" class="error">
        {error}
      </p>
      <div class="grid">
        <section aria-labelledby="credit-title" class="card">
          <h2 id="credit-title">My credit</h2>
          <dl class="figures">
            <div>
              <dt>Limit</dt>
              <dd data-testid="credit-limit">{formatMoney(credit?.creditLimit)}</dd>
            </div>
            <div>
              <dt>Available</dt>
              <dd data-testid="credit-available">{formatMoney(credit?.availableCredit)}</dd>
            </div>
            <div>
              <dt>Reserved</dt>
              <dd data-testid="credit-reserved">{formatMoney(credit?.reserved)}</dd>
            </div>
          </dl>
        </section>
        <section aria-labelledby="place-title" class="card">
          <h2 id="place-title">Place an order</h2>
          <form onSubmit={(event) => void place(event)}>
            <label>
              Total ({currency})
              <input
                name="total"
                type="number"
                inputMode="decimal"
                min="0.01"
                step="0.01"
                required
                value={amount}
                onInput={(event) => setAmount(event.currentTarget.value)}
              />
            </label>
            <label>
              Payment test token
              <select
                name="paymentToken"
                value={token}
                onChange={(event) => setToken(event.currentTarget.value)}
                aria-describedby="token-explained"
              >
                {PAYMENT_TOKENS.map((candidate) => (
                  <option key={candidate.token} value={candidate.token}>
                    {candidate.label} ({candidate.token})
                  </option>
                ))}
              </select>
            </label>
            <p id="token-explained" class="hint">
              {chosen?.explains}
            </p>
            <button type="submit" disabled={placing}>
              Place order
            </button>
          </form>
          <p aria-live="polite" class="placed">
            {placed && (
              <>
                Order placed. <a href={`#/sagas/${placed}`}>Watch its saga</a>
              </>
            )}
          </p>
        </section>
      </div>
      <section aria-labelledby="orders-title" class="card">
        <h2 id="orders-title">My orders</h2>
        <div class="table-scroll" role="region" aria-labelledby="orders-title" tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">Order</th>
                <th scope="col">Total</th>
                <th scope="col">Status</th>
                <th scope="col">Placed</th>
                <th scope="col">Saga</th>
              </tr>
            </thead>
            <tbody aria-live="polite">
              {orders?.length === 0 && (
                <tr>
                  <td colSpan={5}>No orders yet.</td>
                </tr>
              )}
              {orders?.map((order) => (
                <tr key={order.id} data-order-id={order.id}>
                  <td class="mono">{shortId(order.id)}</td>
                  <td>{formatMoney(order.total)}</td>
                  <td>
                    <StatusBadge status={order.status} />
                    {order.rejectionReason && <span class="reason"> {order.rejectionReason}</span>}
                  </td>
                  <td>{formatAge(order.createdAt)}</td>
                  <td>
                    {sagas[order.id] ? <a href={`#/sagas/${sagas[order.id]}`}>Timeline</a> : '—'}
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
