import { isMigrateCommand, migrationConfig } from '@app/config';
import { launch } from '@app/tracing';
import { loadPaymentConfig } from './payment.config.js';

// The app's modules are imported only once tracing runs, so its instrumentations see them load.
// `main.js migrate` (the migration Job) loads only the database settings: it holds no broker
// credentials.
if (isMigrateCommand()) {
  launch('payment', migrationConfig('payment').load, async () => ({
    start: (await import('./payment.app.js')).migrate,
  }));
} else {
  launch('payment', loadPaymentConfig, () => import('./payment.app.js'));
}
