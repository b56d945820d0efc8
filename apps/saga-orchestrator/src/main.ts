import 'reflect-metadata';
import { configOrExit, run, startApp } from '@app/runtime';
import { loadSagaOrchestratorConfig } from './saga-orchestrator.config.js';
import { SagaOrchestratorModule } from './saga-orchestrator.module.js';

run('saga-orchestrator', async () => {
  const config = configOrExit('saga-orchestrator', () => loadSagaOrchestratorConfig());
  await startApp(SagaOrchestratorModule.register(config), {
    name: 'saga-orchestrator',
    host: config.HOST,
    port: config.PORT,
  });
});
