import 'reflect-metadata';
import { connectMessageTransport } from '@app/messaging';
import { migrateAndExit } from '@app/persistence';
import { isMigrateCommand, startApp } from '@app/runtime';
import type { SagaOrchestratorConfig } from './saga-orchestrator.config.js';
import { SagaOrchestratorModule } from './saga-orchestrator.module.js';
import { sagaOrchestratorSchema } from './saga-orchestrator.schema.js';

/** The orchestrator process: `main.js migrate` migrates its schema and exits; otherwise it serves. */
export async function start(config: SagaOrchestratorConfig): Promise<void> {
  if (isMigrateCommand())
    return migrateAndExit('saga-orchestrator', config, sagaOrchestratorSchema);
  await startApp(SagaOrchestratorModule.register(config), {
    name: 'saga-orchestrator',
    host: config.HOST,
    port: config.PORT,
    connectTransport: connectMessageTransport,
  });
}
