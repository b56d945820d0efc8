import { isMigrateCommand, migrationConfig } from '@app/config';
import { launch } from '@app/tracing';
import { loadOrderConfig } from './order.config.js';

// The app's modules are imported only once tracing runs, so its instrumentations see them load.
// `main.js migrate` (the migration Job) loads only the database settings: it holds no broker
// credentials.
if (isMigrateCommand()) {
  launch('order', migrationConfig('order').load, async () => ({
    start: (await import('./order.app.js')).migrate,
  }));
} else {
  launch('order', loadOrderConfig, () => import('./order.app.js'));
}
