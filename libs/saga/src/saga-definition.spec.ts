import { describe, expect, it } from '@jest/globals';
import { credit, order, payment } from '@app/contracts';
import { toMilliseconds } from './duration.js';
import { defineSaga } from './saga-definition.js';

interface State {
  orderId: string;
}

const orderOnly = ({ orderId }: State) => ({ orderId });

describe(defineSaga.name, () => {
  it('keeps the steps in order, each with its command, undo and limits', () => {
    const saga = defineSaga<State>('approve', { version: 2, timeout: '5s' })
      .step('approve order')
      .invoke(order.ApproveOrder, orderOnly)
      .compensate(order.RejectOrder, orderOnly, { timeout: '2s', attempts: 7 })
      .step('cancel payment')
      .invoke(payment.CancelPayment, orderOnly)
      .timeout('1m')
      .attempts(4)
      .build();

    expect(saga).toMatchObject({ name: 'approve', version: 2 });
    expect(saga.steps.map((step) => step.name)).toEqual(['approve order', 'cancel payment']);
    expect(saga.steps[0].invoke).toMatchObject({ command: order.ApproveOrder, timeoutMs: 5000 });
    expect(saga.steps[0].compensation).toMatchObject({
      command: order.RejectOrder,
      timeoutMs: 2000,
      maxAttempts: 7,
    });
    expect(saga.steps[1].invoke).toMatchObject({ timeoutMs: 60_000, maxAttempts: 4 });
  });

  it('refuses a step after the pivot that could be undone', () => {
    const build = () =>
      defineSaga<State>('broken', { version: 1 })
        .step('charge')
        .invoke(payment.CancelPayment, orderOnly)
        .pivot()
        .step('release')
        .invoke(credit.ReleaseCredit, orderOnly)
        .build();
    expect(build).toThrow('"release" follows the pivot, so it must retryUntilDone()');
  });

  it('refuses duplicate step names and a version that is not a positive integer', () => {
    expect(() =>
      defineSaga<State>('twice', { version: 1 })
        .step('approve')
        .invoke(order.ApproveOrder, orderOnly)
        .step('approve')
        .invoke(order.ApproveOrder, orderOnly)
        .build(),
    ).toThrow('two steps named "approve"');
    expect(() =>
      defineSaga<State>('v0', { version: 0 })
        .step('a')
        .invoke(order.ApproveOrder, orderOnly)
        .build(),
    ).toThrow('version must be a positive integer');
  });
});

describe('a definition fingerprint', () => {
  const approve = (version: number, attempts = 3) =>
    defineSaga<State>('approve', { version })
      .step('approve order')
      .invoke(order.ApproveOrder, orderOnly)
      .attempts(attempts)
      .compensate(order.RejectOrder, orderOnly);

  it('is the same for the same shape, whatever the tuning', () => {
    expect(approve(1).build().fingerprint).toBe(approve(1, 9).build().fingerprint);
  });

  it('changes when a step is added, even under the same version', () => {
    const widened = approve(1).step('cancel payment').invoke(payment.CancelPayment, orderOnly);
    expect(widened.build().fingerprint).not.toBe(approve(1).build().fingerprint);
  });
});

describe(toMilliseconds.name, () => {
  it('reads milliseconds and short durations', () => {
    expect(toMilliseconds(250)).toBe(250);
    expect(toMilliseconds('500ms')).toBe(500);
    expect(toMilliseconds('10s')).toBe(10_000);
    expect(toMilliseconds('2m')).toBe(120_000);
    expect(toMilliseconds('1h')).toBe(3_600_000);
  });

  it('refuses anything else', () => {
    expect(() => toMilliseconds('10 seconds' as '10s')).toThrow('is not a duration');
    expect(() => toMilliseconds(0)).toThrow('is not a positive duration');
  });
});
