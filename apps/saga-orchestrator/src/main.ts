import { launch } from '@app/tracing';
import { loadSagaOrchestratorConfig } from './saga-orchestrator.config.js';

// The app's modules are imported only once tracing runs, so its instrumentations see them load.
launch('saga-orchestrator', loadSagaOrchestratorConfig, () => import('./saga-orchestrator.app.js'));
