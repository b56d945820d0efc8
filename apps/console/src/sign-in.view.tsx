import { useState } from 'preact/hooks';
import { ApiClient, messageOf } from './api-client.js';
import { sessionOf, type Session } from './session.js';

const DEMO_CREDIT = { amount: 100_000, currency: 'EUR' };

/**
 * The local dev-token flow: pick a role (and, for a customer, its id) and the gateway signs a
 * token. "Create a demo customer" opens an account with €1,000 of credit, then signs in as it.
 */
export function SignInView({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [role, setRole] = useState<'customer' | 'admin'>('customer');
  const [customerId, setCustomerId] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const api = new ApiClient();

  const signIn = async (asRole: 'customer' | 'admin', id?: string) => {
    setBusy(true);
    setError('');
    try {
      const { accessToken } = await api.devToken(asRole, asRole === 'customer' ? id : undefined);
      onSignedIn(sessionOf(accessToken));
    } catch (failure) {
      setError(messageOf(failure));
    } finally {
      setBusy(false);
    }
  };

  const createDemoCustomer = async () => {
    setBusy(true);
    setError('');
    try {
      const { accessToken } = await api.devToken('admin');
      const admin = new ApiClient(sessionOf(accessToken));
      const customer = await admin.createCustomer('Demo customer', DEMO_CREDIT);
      setCustomerId(customer.id);
      await signIn('customer', customer.id);
    } catch (failure) {
      setError(messageOf(failure));
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="sign-in-title" class="card narrow">
      <h1 id="sign-in-title">Sign in</h1>
      <p>Local dev tokens: the gateway signs a one-hour token for the role you pick.</p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          void signIn(role, customerId.trim());
        }}
      >
        <fieldset>
          <legend>Role</legend>
          <label class="inline">
            <input
              type="radio"
              name="role"
              value="customer"
              checked={role === 'customer'}
              onChange={() => setRole('customer')}
            />
            Customer
          </label>
          <label class="inline">
            <input
              type="radio"
              name="role"
              value="admin"
              checked={role === 'admin'}
              onChange={() => setRole('admin')}
            />
            Admin
          </label>
        </fieldset>
        {role === 'customer' && (
          <label>
            Customer id
            <input
              name="customerId"
              value={customerId}
              onInput={(event) => setCustomerId(event.currentTarget.value)}
              placeholder="a customer's uuid"
              autocomplete="off"
              required
            />
          </label>
        )}
        <div class="actions">
          <button type="submit" disabled={busy}>
            Sign in
          </button>
          {role === 'customer' && (
            <button
              type="button"
              class="secondary"
              disabled={busy}
              onClick={() => void createDemoCustomer()}
            >
              Create a demo customer
            </button>
          )}
        </div>
      </form>
      <p role="alert" class="error">
        {error}
      </p>
    </section>
  );
}
