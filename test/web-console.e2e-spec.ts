import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { connect } from 'amqplib';
import axe from 'axe-core';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ApiClient, type Money } from './support/api-client.js';
import { launchApp, ROOT, stopApp, waitForStatus, type RunningApp } from './support/app-process.js';
import { AMQP_URL } from './support/scratch-namespace.js';
import { GATEWAY_URL, SYSTEM, envFor, startSystem, stopSystem } from './support/system.js';

/**
 * The web console in a real browser: Debian's Chromium driven by playwright-core, against the
 * whole system. Every view is checked with axe-core and photographed into test/screenshots/
 * (git-ignored). Any console error, failed request or error status fails the test it happens in.
 */
const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const SCREENSHOTS = `${ROOT}test/screenshots`;
const UI_TIMEOUT_MS = 20_000;
const api = new ApiClient(GATEWAY_URL);
const eur = (amount: number): Money => ({ amount, currency: 'EUR' });

describe('the web console in a browser', () => {
  let apps: RunningApp[];
  let browser: Browser;
  let page: Page;
  let admin: string;
  const problems: string[] = [];
  const streams: string[] = [];
  /** The sagas the customer placed in the console, by outcome. */
  const placed: { approved?: string; declined?: string } = {};

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    apps = await startSystem();
    admin = await api.token('admin');
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      headless: true,
      args: CHROMIUM_FLAGS,
    });
    // UTC like the suite, so the times typed into datetime-local fields mean the same here.
    page = await browser.newPage({ viewport: { width: 1280, height: 900 }, timezoneId: 'UTC' });
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('requestfailed', (request) => {
      // Leaving a view hangs up on its event stream and polls: the browser calls that aborted.
      if (request.failure()?.errorText === 'net::ERR_ABORTED') return;
      problems.push(`failed request: ${request.url()} ${request.failure()?.errorText}`);
    });
    page.on('response', (response) => {
      if (response.status() >= 400) problems.push(`${response.status()} from ${response.url()}`);
    });
    page.on('request', (request) => {
      if (request.url().endsWith('/events')) streams.push(request.url());
    });
  }, 120_000);

  afterEach(() => {
    const seen = problems.splice(0);
    expect(seen).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await stopSystem(apps);
  });

  /** No serious or critical axe violation in the view as it is now. */
  async function expectAccessible(view: string): Promise<void> {
    await page.evaluate(axe.source);
    // Run in the page (a string: this suite's TypeScript has no DOM types).
    const violations = await page.evaluate<{ id: string; nodes: string[] }[]>(`
      axe.run(document, { resultTypes: ['violations'] }).then((result) =>
        result.violations
          .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
          .map((violation) => ({
            id: violation.id,
            nodes: violation.nodes.slice(0, 3).map((node) => node.target.join(' ')),
          })),
      )
    `);
    expect([view, violations]).toEqual([view, []]);
  }

  function screenshot(view: string): Promise<Buffer> {
    return page.screenshot({ path: `${SCREENSHOTS}/${view}.png`, fullPage: true });
  }

  async function sagaStatusIs(status: string): Promise<void> {
    await page
      .locator('[data-testid=saga-status]', { hasText: status })
      .waitFor({ timeout: UI_TIMEOUT_MS });
  }

  async function placeInConsole(total: string, token: string): Promise<string> {
    await page.goto(`${GATEWAY_URL}/#/customer`);
    await page.getByLabel('Total (EUR)').fill(total);
    await page.getByLabel('Payment test token').selectOption(token);
    await page.getByRole('button', { name: 'Place order' }).click();
    const watch = page.getByRole('link', { name: 'Watch its saga' });
    const href = (await watch.getAttribute('href', { timeout: UI_TIMEOUT_MS })) ?? '';
    await watch.click();
    return href.split('/').at(-1) ?? '';
  }

  it('serves the console at / with a strict CSP and signs in a new customer', async () => {
    const response = await page.goto(`${GATEWAY_URL}/`);
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await expectAccessible('sign-in');
    await screenshot('sign-in');

    await page.getByRole('button', { name: 'Create a demo customer' }).click();
    await page.getByRole('heading', { name: 'My account' }).waitFor({ timeout: UI_TIMEOUT_MS });
    await page
      .locator('[data-testid=credit-limit]', { hasText: '€1,000.00' })
      .waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await page.evaluate<string>(`sessionStorage.getItem('sagaflow.session')`)).toContain(
      'accessToken',
    );
    expect(page.url()).not.toContain('eyJ');
  }, 60_000);

  it('places an approved order and follows its timeline live to COMPLETED', async () => {
    placed.approved = await placeInConsole('25.00', 'tok_approve');
    await sagaStatusIs('COMPLETED');
    expect(streams.some((url) => url.includes(`/api/sagas/${placed.approved}/events`))).toBe(true);
    await page.locator('tr[data-event=succeeded]').nth(3).waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await page.locator('.gantt li.span-succeeded').count()).toBe(4);
    expect(await page.getByTestId('trace-id').textContent()).toMatch(/^[0-9a-f]{32}$/);
    await expectAccessible('saga');
    await screenshot('saga-completed');

    await page.goto(`${GATEWAY_URL}/#/customer`);
    await page
      .locator('[data-testid=credit-reserved]', { hasText: '€25.00' })
      .waitFor({ timeout: UI_TIMEOUT_MS });
    await page
      .locator('tbody tr', { hasText: 'APPROVED' })
      .first()
      .waitFor({ timeout: UI_TIMEOUT_MS });
    await expectAccessible('customer');
    await screenshot('customer');
    await page.setViewportSize({ width: 375, height: 800 });
    // Readable in a phone's width: nothing sticks out sideways but the tables' own scrolling.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(
      375,
    );
    await screenshot('customer-375px');
    await page.setViewportSize({ width: 1280, height: 900 });
  }, 60_000);

  it('places a declined order and shows the compensation newest first', async () => {
    placed.declined = await placeInConsole('12.00', 'tok_decline');
    await sagaStatusIs('COMPENSATED');
    await page.locator('tr.tone-failed').first().waitFor({ timeout: UI_TIMEOUT_MS });
    const undone = await page.locator('.gantt li.span-backward .span-label').allTextContents();
    expect(undone.map((label) => label.split(/\s+(succeeded|failed)/)[0])).toEqual([
      'undo reserve credit',
      'undo create pending order',
    ]);
    expect(await page.locator('.gantt li.span-failed').count()).toBe(1);
    await screenshot('saga-compensated');
    // The README's picture: small, the part above the fold.
    await page.setViewportSize({ width: 960, height: 640 });
    await page.screenshot({ path: `${SCREENSHOTS}/readme-saga.jpg`, type: 'jpeg', quality: 70 });
    await page.setViewportSize({ width: 1280, height: 900 });
  }, 60_000);

  it('shows an admin the live registry and both sagas', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Admin').check();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Operations' }).waitFor({ timeout: UI_TIMEOUT_MS });
    for (const service of ['order', 'credit', 'payment', 'saga-orchestrator']) {
      await page
        .locator(`tr[data-service="${service}"]`, { hasText: 'UP' })
        .first()
        .waitFor({ timeout: UI_TIMEOUT_MS });
    }
    for (const sagaId of [placed.approved, placed.declined]) {
      await page.locator(`tr[data-saga-id="${sagaId}"]`).waitFor({ timeout: UI_TIMEOUT_MS });
    }
    await page.locator('.latency li').first().waitFor({ timeout: UI_TIMEOUT_MS });
    await expectAccessible('admin');
    await screenshot('admin');
  }, 60_000);

  describe('with sagas whose compensation failed', () => {
    const failed: string[] = [];
    let since: string;

    /** Credit, started again with (or without) the switch that refuses every credit release. */
    async function restartCredit(fault?: string): Promise<void> {
      const index = apps.findIndex((app) => app.name === 'credit');
      await stopApp(apps[index]);
      const credit = SYSTEM.find((app) => app.name === 'credit')!;
      apps[index] = launchApp('credit', envFor(credit, fault ? { FAULT_INJECTION: fault } : {}));
      await waitForStatus(`${apps[index].url}/health/ready`, 200, 30_000);
    }

    beforeAll(async () => {
      // From this second on (datetime-local, step 1 s): FAILED sagas of earlier suites are not ours.
      since = new Date().toISOString().slice(0, 19);
      await restartCredit('refuse:credit.release-credit');
      const customerId = await api.createCustomer(admin, eur(100_000));
      const customer = await api.token('customer', customerId);
      const sagas = await Promise.all(
        [1, 2, 3].map(async () => (await api.placeOrder(customer, eur(500), 'tok_decline')).body),
      );
      for (const { sagaId } of sagas) {
        expect((await api.settledSaga(admin, sagaId, 30_000)).status).toBe('FAILED');
        failed.push(sagaId);
      }
      await restartCredit();
    }, 120_000);

    it('finds a FAILED saga with its reason, retries it after a confirmation and sees it finish', async () => {
      await page.goto(`${GATEWAY_URL}/#/admin`);
      await page.locator('select[name=status]').selectOption('FAILED');
      const row = page.locator(`tr.row-failed[data-saga-id="${failed[0]}"]`);
      await row.waitFor({ timeout: UI_TIMEOUT_MS });
      expect(await row.locator('.reason').textContent()).toContain('credit.unknown-reservation');
      await screenshot('admin-failed');

      // By keyboard: Enter opens the confirmation, Escape cancels it (nothing happens), Enter
      // again opens it with "Yes" focused, Enter confirms.
      await row.getByRole('button', { name: 'Retry' }).focus();
      await page.keyboard.press('Enter');
      const yes = page.getByRole('button', { name: 'Yes, retry' });
      await yes.waitFor();
      await page.keyboard.press('Escape');
      await yes.waitFor({ state: 'hidden' });
      expect(
        (await api.request('GET', `/api/sagas/${failed[0]}`, { token: admin })).body,
      ).toMatchObject({ status: 'FAILED' });
      await row.getByRole('button', { name: 'Retry' }).focus();
      await page.keyboard.press('Enter');
      await yes.waitFor();
      expect(await page.evaluate<string>('document.activeElement?.textContent')).toBe('Yes, retry');
      await page.keyboard.press('Enter');
      await page.goto(`${GATEWAY_URL}/#/sagas/${failed[0]}`);
      await sagaStatusIs('COMPENSATED');
      await page
        .locator('tr[data-event=operator]', { hasText: 'retry by dev-admin' })
        .waitFor({ timeout: UI_TIMEOUT_MS });
      await screenshot('saga-retried');
    }, 60_000);

    it('previews a bulk retry of the others, applies it, and each records who did it', async () => {
      await page.goto(`${GATEWAY_URL}/#/admin`);
      await page.locator('select[name=bulkStatus]').selectOption('FAILED');
      await page.getByLabel('Created from').fill(since);
      await page.getByRole('button', { name: 'Preview (dry run)' }).click();
      await page
        .getByTestId('bulk-summary')
        .getByText('Dry run: 2 sagas would be touched.')
        .waitFor({ timeout: UI_TIMEOUT_MS });
      const previewed = await Promise.all(
        (await page.locator('tr[data-bulk-saga-id]').all()).map((row) =>
          row.getAttribute('data-bulk-saga-id'),
        ),
      );
      expect(previewed.sort()).toEqual(failed.slice(1).sort());
      await screenshot('bulk-dry-run');

      await page.getByRole('button', { name: 'Apply retry to 2 sagas' }).click();
      await page.getByRole('button', { name: 'Yes, apply retry to 2 sagas' }).click();
      await page
        .getByTestId('bulk-summary')
        .getByText('Applied: 2 of 2 accepted.')
        .waitFor({ timeout: UI_TIMEOUT_MS });
      await expectAccessible('bulk');
      await screenshot('bulk-applied');
      for (const sagaId of failed.slice(1)) {
        const saga = await api.settledSaga(admin, sagaId, 30_000);
        expect(saga.status).toBe('COMPENSATED');
        expect(saga.steps).toContainEqual(
          expect.objectContaining({ event: 'operator', detail: 'retry by dev-admin' }),
        );
      }
    }, 60_000);
  });

  it('lists a dead letter by queue with its reason, and discards it after a confirmation', async () => {
    // Not JSON: credit cannot read it, so it is dead-lettered at once and collected.
    const messageId = randomUUID();
    const connection = await connect(AMQP_URL);
    const channel = await connection.createChannel();
    channel.sendToQueue('e2e.credit.commands', Buffer.from('{not json'), {
      messageId,
      type: 'credit.reserve-credit',
      persistent: true,
    });
    await channel.close();
    await connection.close();

    await page.goto(`${GATEWAY_URL}/#/dead-letters`);
    await page.getByRole('heading', { name: 'Dead letters' }).waitFor();
    await page.getByLabel('Queue').selectOption('credit.commands');
    const row = page.locator(`tr[data-message-id="${messageId}"]`);
    await row.waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await row.textContent()).toContain('credit.commands');
    await expectAccessible('dead-letters');
    await screenshot('dead-letters');

    await row.getByRole('button', { name: 'Discard' }).click();
    await page.getByRole('button', { name: 'Yes, discard' }).click();
    await row.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
  }, 60_000);
});
