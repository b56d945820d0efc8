// Customers and their tokens, made through the gateway as the README shows: an admin dev token
// creates each customer, and each customer gets a dev token of its own (valid one hour).
import { requestJson } from '../http-client.mjs';
import { GATEWAY_URL } from './system.mjs';

/** Far more than a run can spend at 1 EUR a saga. */
const AMPLE_CREDIT = { amount: 1_000_000_000, currency: 'EUR' };
/** Every order asks more than this: the credit step fails and the saga compensates. */
const NO_CREDIT = { amount: 0, currency: 'EUR' };

async function devToken(grant) {
  const answer = await requestJson(`${GATEWAY_URL}/api/auth/dev-token`, {
    method: 'POST',
    body: grant,
  });
  if (answer.status !== 201 && answer.status !== 200) {
    throw new Error(`POST /api/auth/dev-token answered ${answer.status}`);
  }
  return answer.body.accessToken;
}

async function createCustomer(adminToken, name, creditLimit) {
  const answer = await requestJson(`${GATEWAY_URL}/api/customers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}` },
    body: { name, creditLimit },
  });
  if (answer.status !== 201) {
    throw new Error(
      `POST /api/customers answered ${answer.status}: ${JSON.stringify(answer.body)}`,
    );
  }
  const id = answer.body.id;
  return { id, token: await devToken({ role: 'customer', customerId: id }) };
}

/** Customers are made a few at a time: the gateway has its own rate of work to keep. */
const BATCH = 16;

/**
 * One customer per worker slot (so a customer has one saga in flight, as a person would), in two
 * kinds: with ample credit, and with none (the mixed run's insufficient-credit path).
 */
export async function createCustomers({ withCredit, withoutCredit }) {
  const admin = await devToken({ role: 'admin' });
  const create = async (count, name, creditLimit) => {
    const customers = [];
    for (let first = 0; first < count; first += BATCH) {
      const batch = Array.from({ length: Math.min(BATCH, count - first) }, (_, i) =>
        createCustomer(admin, `${name} ${first + i + 1}`, creditLimit),
      );
      customers.push(...(await Promise.all(batch)));
    }
    return customers;
  };
  return {
    withCredit: await create(withCredit, 'Bench customer', AMPLE_CREDIT),
    withoutCredit: await create(withoutCredit, 'Bench customer without credit', NO_CREDIT),
  };
}
