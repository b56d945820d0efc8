import { signDevToken } from '@app/identity';

/** What the apps under test verify dev tokens with: the harnesses put it in every app's env. */
export const TEST_JWT_SECRET = 'sagaflow-test-suite-dev-token-secret-0123456789';

export const adminToken = (): Promise<string> => signDevToken(TEST_JWT_SECRET, { role: 'admin' });

export const customerToken = (customerId: string): Promise<string> =>
  signDevToken(TEST_JWT_SECRET, { role: 'customer', customerId });
