import { isMigrateCommand, migrationConfig } from '@app/config';
import { launch } from '@app/tracing';
import { loadCreditConfig } from './credit.config.js';

// The app's modules are imported only once tracing runs, so its instrumentations see them load.
// `main.js migrate` (the migration Job) loads only the database settings: it holds no broker
// credentials.
if (isMigrateCommand()) {
  launch('credit', migrationConfig('credit').load, async () => ({
    start: (await import('./credit.app.js')).migrate,
  }));
} else {
  launch('credit', loadCreditConfig, () => import('./credit.app.js'));
}
