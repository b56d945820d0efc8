import { describe, expect, it } from '@jest/globals';
import { credit } from '@app/contracts';
import { DomainError } from './domain.error.js';
import { FaultInjector } from './fault-injector.js';
import type { ResolvedMessagingOptions } from './messaging.options.js';

function injectorWith(faultInjection: ResolvedMessagingOptions['faultInjection']): FaultInjector {
  const options = { faultInjection } as ResolvedMessagingOptions;
  return new FaultInjector(options, () => undefined);
}

describe(FaultInjector.name, () => {
  it('refuses the named command with the first failure code its contract lists', () => {
    const refusal = injectorWith('refuse:credit.release-credit').refusal(credit.ReleaseCredit);
    expect(refusal).toBeInstanceOf(DomainError);
    expect(refusal?.code).toBe('credit.unknown-reservation');
  });

  it('leaves other commands, replies and an unset switch alone', () => {
    const injector = injectorWith('refuse:credit.release-credit');
    expect(injector.refusal(credit.ReserveCredit)).toBeUndefined();
    expect(injector.refusal(credit.CreditReleased)).toBeUndefined();
    expect(injectorWith(undefined).refusal(credit.ReleaseCredit)).toBeUndefined();
  });
});
