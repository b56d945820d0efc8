import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { ReadinessIndicator } from '@app/health';
import { DataSource } from 'typeorm';
import { SagaRegistry } from './saga-registry.js';
import { SagaStore, type LiveVersionCount } from './saga-store.js';

/**
 * Readiness: every definition version that live instances (RUNNING, COMPENSATING, FAILED) run on
 * is registered, with the shape they started on. A deploy that dropped v1 while v1 instances are
 * in flight, or edited v1's steps without bumping its version, would strand or corrupt them: the
 * orchestrator then refuses traffic and says which version and how many instances.
 *
 * Checked at start-up and, while it fails, on each readiness probe (an operator may finish the
 * instances meanwhile); once it passes it stays passed, since new instances start on registered
 * versions only.
 */
@Injectable()
export class SagaVersionsCheck implements ReadinessIndicator, OnApplicationBootstrap {
  private readonly logger = new Logger(SagaVersionsCheck.name);
  private problems: string[] | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly store: SagaStore,
    private readonly registry: SagaRegistry,
    private readonly indicator: HealthIndicatorService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.check().catch((error: Error) => {
      this.logger.warn(`Saga definition versions not checked yet: ${error.message}`);
    });
  }

  async isReady() {
    const session = this.indicator.check('sagaDefinitions');
    try {
      const problems = await this.check();
      return problems.length === 0 ? session.up() : session.down({ message: problems.join('; ') });
    } catch (error) {
      return session.down({ message: `not checked: ${(error as Error).message}` });
    }
  }

  private async check(): Promise<string[]> {
    if (this.problems?.length === 0) return this.problems;
    const live = await this.store.liveVersions(this.dataSource.manager);
    const problems = mismatchesOf(live, this.registry);
    if (problems.length > 0 && this.problems?.join() !== problems.join()) {
      this.logger.error(`Not ready: ${problems.join('; ')}`);
    }
    this.problems = problems;
    return problems;
  }
}

/** What keeps live instances from running on their own definition, one sentence per version. */
export function mismatchesOf(live: LiveVersionCount[], registry: SagaRegistry): string[] {
  const problems: string[] = [];
  for (const { sagaType, definitionVersion, fingerprint, count } of live) {
    const name = `${sagaType} v${definitionVersion}`;
    const instances = `${count} instance${count === 1 ? '' : 's'}`;
    const registered = registry.find(sagaType, definitionVersion);
    if (!registered) {
      problems.push(`${name} is not registered but ${instances} still run on it`);
    } else if (fingerprint !== null && fingerprint !== registered.fingerprint) {
      problems.push(
        `${name} changed shape without a new version (fingerprint ${fingerprint} stored, ${registered.fingerprint} registered); ${instances} started on the old shape`,
      );
    }
  }
  return problems;
}
