import { ConfigError } from '@app/config';
import type { PaymentConfig } from './payment.config.js';
import type { PaymentProvider } from './payment-provider.js';
import { PaymentSimulatorProvider } from './payment-simulator.provider.js';

/**
 * The provider PAYMENT_PROVIDER names. Checked when the service starts rather than when config
 * loads, so `main.js migrate` (which charges nobody) runs in production whatever the provider.
 */
export function paymentProviderOf(
  config: Pick<
    PaymentConfig,
    | 'NODE_ENV'
    | 'PAYMENT_PROVIDER'
    | 'PAYMENT_SIMULATOR_IN_PRODUCTION'
    | 'PAYMENT_SIMULATOR_SLOW_MS'
    | 'PAYMENT_SIMULATOR_MAX_REMEMBERED'
  >,
): PaymentProvider {
  switch (config.PAYMENT_PROVIDER) {
    case 'simulator':
      if (config.NODE_ENV === 'production' && !config.PAYMENT_SIMULATOR_IN_PRODUCTION) {
        throw new ConfigError([
          'PAYMENT_PROVIDER: the simulator approves test tokens without charging anyone, so it is refused when NODE_ENV=production unless PAYMENT_SIMULATOR_IN_PRODUCTION=true',
        ]);
      }
      return new PaymentSimulatorProvider({
        slowMs: config.PAYMENT_SIMULATOR_SLOW_MS,
        maxRemembered: config.PAYMENT_SIMULATOR_MAX_REMEMBERED,
      });
  }
}
