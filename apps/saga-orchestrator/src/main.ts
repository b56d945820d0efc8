import { isMigrateCommand, migrationConfig } from '@app/config';
import { launch } from '@app/tracing';
import { loadSagaOrchestratorConfig } from './saga-orchestrator.config.js';

// The app's modules are imported only once tracing runs, so its instrumentations see them load.
// `main.js migrate` (the migration Job) loads only the database settings: it holds no broker
// credentials.
if (isMigrateCommand()) {
  launch('saga-orchestrator', migrationConfig('saga-orchestrator').load, async () => ({
    start: (await import('./saga-orchestrator.app.js')).migrate,
  }));
} else {
  launch(
    'saga-orchestrator',
    loadSagaOrchestratorConfig,
    () => import('./saga-orchestrator.app.js'),
  );
}
