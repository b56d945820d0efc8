import type { DynamicModule, Type } from '@nestjs/common';
import {
  ConfigError,
  discoverySettingsOf,
  identitySettingsOf,
  logFormatOf,
  type IdentityEnv,
  type ServiceEnv,
} from '@app/config';
import { RegistrationModule } from '@app/discovery';
import { HealthModule, type ReadinessIndicator } from '@app/health';
import { IdentityModule } from '@app/identity';
import { LoggingModule } from '@app/logging';
import { MetricsModule } from '@app/metrics';

type AppConfig = ServiceEnv & IdentityEnv;

export interface InfrastructureOptions {
  service: string;
  config: AppConfig;
  /**
   * The app's database and broker modules, built by the app itself from `@app/persistence` and
   * `@app/messaging` (omitted by the gateway, which owns no data). This lib never imports them,
   * so an app that uses it reaches a database only by its own import.
   */
  data?: DynamicModule[];
  /** The readiness checks of those modules (the database, the broker) and any of the app's own. */
  readiness?: Type<ReadinessIndicator>[];
  /**
   * Announce this app to the gateway's registry when DISCOVERY_PROVIDER=self-registration;
   * on by default, off for the gateway itself.
   */
  selfRegister?: boolean;
}

/**
 * The modules every app stands on: logs, the caller's token checked on every route, metrics, its
 * data modules, health probes.
 */
export function infrastructureModules(options: InfrastructureOptions): DynamicModule[] {
  const { config, service } = options;
  const modules: DynamicModule[] = [
    LoggingModule.forRoot({ service, level: config.LOG_LEVEL, format: logFormatOf(config) }),
    IdentityModule.forRoot(identitySettingsOf(config)),
    MetricsModule.forRoot({ token: config.METRICS_TOKEN }),
    ...(options.data ?? []),
  ];
  const discovery = discoverySettingsOf(config);
  if (discovery.provider === 'self-registration' && options.selfRegister !== false) {
    if (!discovery.registrationToken) {
      throw new ConfigError([
        'DISCOVERY_REGISTRATION_TOKEN is required when DISCOVERY_PROVIDER=self-registration',
      ]);
    }
    modules.push(
      RegistrationModule.forRoot({
        service,
        registryUrl: discovery.registryUrl,
        advertisedUrl: discovery.advertisedUrl,
        token: discovery.registrationToken,
        leaseTtlMs: discovery.leaseTtlMs,
        renewIntervalMs: discovery.renewIntervalMs,
      }),
    );
  }
  modules.push(
    HealthModule.forRoot({
      readiness: options.readiness ?? [],
      shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
    }),
  );
  return modules;
}
