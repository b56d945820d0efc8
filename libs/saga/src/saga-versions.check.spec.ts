import { describe, expect, it } from '@jest/globals';
import { order } from '@app/contracts';
import { defineSaga } from './saga-definition.js';
import { SagaRegistry } from './saga-registry.js';
import { mismatchesOf } from './saga-versions.check.js';

const approve = (version: number, withRejection = false) => {
  const step = defineSaga<{ orderId: string }>('approve', { version })
    .step('approve order')
    .invoke(order.ApproveOrder, ({ orderId }) => ({ orderId }));
  return (
    withRejection ? step.compensate(order.RejectOrder, ({ orderId }) => ({ orderId })) : step
  ).build();
};

describe(mismatchesOf.name, () => {
  const v2 = approve(2);
  const registry = new SagaRegistry([approve(1), v2]);
  const live = (definitionVersion: number, fingerprint: string | null, count: number) => ({
    sagaType: 'approve',
    definitionVersion,
    fingerprint,
    count,
  });

  it('accepts instances on registered versions of the same shape', () => {
    expect(mismatchesOf([live(2, v2.fingerprint, 4), live(1, null, 1)], registry)).toEqual([]);
  });

  it('names a missing version and how many instances run on it', () => {
    expect(mismatchesOf([live(3, 'abc', 2)], registry)).toEqual([
      'approve v3 is not registered but 2 instances still run on it',
    ]);
  });

  it('catches a version whose steps changed without a new number', () => {
    const edited = approve(2, true).fingerprint;
    const [problem] = mismatchesOf([live(2, edited, 1)], registry);
    expect(problem).toContain('approve v2 changed shape without a new version');
    expect(problem).toContain('1 instance started on the old shape');
  });

  it('starts new instances on the newest version', () => {
    expect(registry.latest('approve')).toBe(v2);
  });
});
