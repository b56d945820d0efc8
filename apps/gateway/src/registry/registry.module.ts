import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { discoverySettingsOf } from '@app/config';
import { DiscoveryModule, type DiscoveryOptions } from '@app/discovery';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config.js';
import { ServiceDirectory } from '../upstream/service-directory.js';
import { SERVICE_NAMES } from '../upstream/service-names.js';
import { RegistrationController, type RegistrationPolicy } from './registration.controller.js';
import { RegistrationTokenGuard } from './registration-token.guard.js';
import { LOCAL_REGISTRATION_URL_RULES, urlsOf } from './registry.config.js';
import { RegistryController } from './registry.controller.js';
import { REGISTRATION_CREDENTIALS, REGISTRATION_POLICY } from './registry.tokens.js';
import { DiscoveryReadiness } from './discovery.readiness.js';

/**
 * Discovery in the gateway: the registry of instances and its provider, `GET /api/registry`,
 * the registration routes (self-registration only), and the readiness that reports the services.
 * Global, so the health module can use its readiness indicator and the metrics read the registry.
 */
@Module({})
export class RegistryModule {
  static register(config: GatewayConfig): DynamicModule {
    const discovery = discoverySettingsOf(config);
    const selfRegistration = discovery.provider === 'self-registration';
    const discoveryModule = DiscoveryModule.forRoot(discoveryOptionsOf(config));
    return {
      module: RegistryModule,
      global: true,
      imports: [TerminusModule, discoveryModule],
      controllers: [RegistryController, ...(selfRegistration ? [RegistrationController] : [])],
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: REGISTRATION_CREDENTIALS, useValue: config.DISCOVERY_REGISTRATION_TOKENS },
        {
          provide: REGISTRATION_POLICY,
          useValue: {
            allowedUrls:
              config.DISCOVERY_REGISTRATION_ALLOWED_URLS.length > 0
                ? config.DISCOVERY_REGISTRATION_ALLOWED_URLS
                : LOCAL_REGISTRATION_URL_RULES,
            maxInstancesPerService: config.DISCOVERY_MAX_INSTANCES_PER_SERVICE,
          } satisfies RegistrationPolicy,
        },
        RegistrationTokenGuard,
        ServiceDirectory,
        DiscoveryReadiness,
      ],
      exports: [discoveryModule, ServiceDirectory, DiscoveryReadiness],
    };
  }
}

function discoveryOptionsOf(config: GatewayConfig): DiscoveryOptions {
  const provider = discoverySettingsOf(config).provider;
  const urls = {
    'saga-orchestrator': config.SAGA_ORCHESTRATOR_URL,
    order: config.ORDER_URL,
    credit: config.CREDIT_URL,
    payment: config.PAYMENT_URL,
  };
  return {
    provider,
    services: SERVICE_NAMES.map((service) => ({
      service,
      urls: urlsOf(urls[service]).map((url) =>
        provider === 'dns' ? withHostSuffix(url, config.DISCOVERY_DNS_SUFFIX) : url,
      ),
    })),
    health: {
      intervalMs: config.DISCOVERY_HEALTH_INTERVAL_MS,
      timeoutMs: config.DISCOVERY_HEALTH_TIMEOUT_MS,
    },
    ejection: {
      consecutiveFailures: config.DISCOVERY_EJECTION_FAILURES,
      baseMs: config.DISCOVERY_EJECTION_BASE_MS,
      maxMs: config.DISCOVERY_EJECTION_MAX_MS,
    },
    dnsIntervalMs: config.DISCOVERY_DNS_INTERVAL_MS,
    // Often enough that an instance is gone soon after its lease, not a whole lease later.
    evictionIntervalMs: Math.max(100, Math.floor(config.DISCOVERY_LEASE_TTL_MS / 5)),
  };
}

/** `http://credit:3003` → `http://credit-headless:3003`: the headless Service of the same app. */
function withHostSuffix(url: string, suffix: string): string {
  const parsed = new URL(url);
  parsed.hostname = `${parsed.hostname}${suffix}`;
  return parsed.toString().replace(/\/+$/, '');
}
