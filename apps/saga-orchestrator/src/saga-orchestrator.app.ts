import 'reflect-metadata';
import type { MigrationConfig } from '@app/config';
import { connectMessageTransport } from '@app/messaging';
import { migrateAndExit } from '@app/persistence';
import { startApp } from '@app/runtime';
import type { SagaOrchestratorConfig } from './saga-orchestrator.config.js';
import { SagaOrchestratorModule } from './saga-orchestrator.module.js';
import { sagaOrchestratorSchema } from './saga-orchestrator.schema.js';

/** The orchestrator process: serves its API and its messages. */
export async function start(config: SagaOrchestratorConfig): Promise<void> {
  await startApp(SagaOrchestratorModule.register(config), {
    name: 'saga-orchestrator',
    host: config.HOST,
    port: config.PORT,
    connectTransport: connectMessageTransport,
  });
}

/** `main.js migrate`: migrates the schema and exits, with the database settings only. */
export function migrate(config: MigrationConfig): Promise<void> {
  return migrateAndExit('saga-orchestrator', config, sagaOrchestratorSchema);
}
