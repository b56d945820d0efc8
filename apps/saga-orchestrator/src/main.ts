import 'reflect-metadata';
import { configOrExit, isMigrateCommand, migrateAndExit, run, startApp } from '@app/runtime';
import { loadSagaOrchestratorConfig } from './saga-orchestrator.config.js';
import { SagaOrchestratorModule } from './saga-orchestrator.module.js';
import { sagaOrchestratorSchema } from './saga-orchestrator.schema.js';

run('saga-orchestrator', async () => {
  const config = configOrExit('saga-orchestrator', () => loadSagaOrchestratorConfig());
  if (isMigrateCommand())
    return migrateAndExit('saga-orchestrator', config, sagaOrchestratorSchema);
  await startApp(SagaOrchestratorModule.register(config), {
    name: 'saga-orchestrator',
    host: config.HOST,
    port: config.PORT,
    messaging: true,
  });
});
