/** Who is signed in. The token lives in session storage (this tab only), never in a URL. */
export interface Session {
  accessToken: string;
  role: 'customer' | 'admin';
  /** The customer a customer's token names. */
  customerId?: string;
  /** The token's subject: who an operator action is recorded as. */
  subject: string;
}

const KEY = 'sagaflow.session';

export function loadSession(): Session | undefined {
  const stored = sessionStorage.getItem(KEY);
  if (!stored) return undefined;
  try {
    return JSON.parse(stored) as Session;
  } catch {
    sessionStorage.removeItem(KEY);
    return undefined;
  }
}

export function saveSession(session: Session | undefined): void {
  if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
  else sessionStorage.removeItem(KEY);
}

/** The claims of a token we were just given (its signature is the gateway's business). */
export function sessionOf(accessToken: string): Session {
  const payload = accessToken.split('.')[1] ?? '';
  const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
  const claims = JSON.parse(json) as { sub: string; role: Session['role']; customerId?: string };
  return { accessToken, role: claims.role, customerId: claims.customerId, subject: claims.sub };
}
