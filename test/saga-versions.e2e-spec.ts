import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ApiClient, type Money, type SagaView } from './support/api-client.js';
import { launchApp, stopApp, waitForStatus, type RunningApp } from './support/app-process.js';
import { eventually } from './support/eventually.js';
import { ScratchNamespace } from './support/scratch-namespace.js';
import { GATEWAY_URL, SYSTEM, envFor, startSystem, stopSystem } from './support/system.js';

const api = new ApiClient(GATEWAY_URL);
const eur = (amount: number): Money => ({ amount, currency: 'EUR' });
const ORCHESTRATOR = SYSTEM.find((app) => app.name === 'saga-orchestrator')!;
const stepsOf = (saga: SagaView) => new Set(saga.steps.map((step) => step.step));

describe('deploying a new version of a saga while its instances are in flight', () => {
  let apps: RunningApp[];
  let admin: string;

  beforeAll(async () => {
    // The build before the deploy: place-order v1 only.
    apps = await startSystem({ PLACE_ORDER_VERSIONS: '1' });
    admin = await api.token('admin');
  }, 90_000);

  afterAll(async () => {
    await stopSystem(apps);
  });

  /** Polls an orchestrator's readiness until it answers 503 with a reason matching `why`. */
  async function notReadyBecause(app: RunningApp, why: RegExp): Promise<string> {
    let reason = '';
    await eventually(
      async () => {
        const response = await fetch(`${app.url}/health/ready`).catch(() => undefined);
        if (response?.status !== 503) return false;
        reason = JSON.stringify(await response.json());
        return why.test(reason);
      },
      { timeoutMs: 60_000, what: `${app.name} reports it is not ready: ${why}` },
    );
    return reason;
  }

  it('finishes every v1 saga on v1 and starts new ones on v2; a build without v1 is not ready', async () => {
    const customerId = await api.createCustomer(admin, eur(1_000_000));
    const token = await api.token('customer', customerId);

    // Load on v1; slow charges keep sagas in flight for seconds, across the deploy.
    const placedOnV1 = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        api.placeOrder(token, eur(100), i % 2 === 0 ? 'tok_slow' : 'tok_approve'),
      ),
    );
    expect(placedOnV1.every((placed) => placed.status === 202)).toBe(true);
    const index = apps.findIndex((app) => app.name === 'saga-orchestrator');
    await stopApp(apps[index]);

    // A build that dropped v1, on the same database but queues of its own (it must take no
    // reply meant for the system's orchestrator): it refuses to be ready, and says why.
    const scratch = new ScratchNamespace('e2e-versions.');
    const withoutV1 = launchApp(
      'saga-orchestrator',
      envFor(
        { ...ORCHESTRATOR, port: ORCHESTRATOR.port + 20 },
        { PLACE_ORDER_VERSIONS: '2', AMQP_NAMESPACE: scratch.prefix },
      ),
    );
    try {
      const reason = await notReadyBecause(
        withoutV1,
        /place-order v1 is not registered but \d+ instances? still run on it/,
      );
      expect(reason).toContain('sagaDefinitions');
    } finally {
      await stopApp(withoutV1);
      await scratch.delete();
    }

    // The deploy: both versions registered.
    apps[index] = launchApp(
      'saga-orchestrator',
      envFor(ORCHESTRATOR, { PLACE_ORDER_VERSIONS: '1,2' }),
    );
    await waitForStatus(`${apps[index].url}/health/ready`, 200, 60_000);
    // As a client would, through the 503s while the gateway has not yet seen it healthy again.
    const placedOnV2 = await Promise.all(
      Array.from({ length: 10 }, () =>
        api.whenAvailable<{ sagaId: string }>('POST', '/api/orders', {
          token,
          body: { total: eur(100), paymentToken: 'tok_approve' },
          headers: { 'idempotency-key': randomUUID() },
        }),
      ),
    );
    expect(placedOnV2.map((placed) => placed.status)).toEqual(Array(10).fill(202));

    const v1 = await Promise.all(
      placedOnV1.map((placed) => api.settledSaga(admin, placed.body.sagaId, 120_000)),
    );
    const v2 = await Promise.all(
      placedOnV2.map((placed) => api.settledSaga(admin, placed.body.sagaId, 120_000)),
    );
    for (const saga of v1) {
      expect(saga.definitionVersion).toBe(1);
      expect(['COMPLETED', 'COMPENSATED']).toContain(saga.status);
      expect(stepsOf(saga).has('screen payment')).toBe(false);
    }
    expect(v1.filter((saga) => saga.status === 'COMPLETED').length).toBeGreaterThanOrEqual(10);
    for (const saga of v2) {
      expect(saga).toMatchObject({ definitionVersion: 2, status: 'COMPLETED' });
      expect(stepsOf(saga).has('screen payment')).toBe(true);
    }
  }, 240_000);
});
