import { launch } from '@app/tracing';
import { loadPaymentConfig } from './payment.config.js';

// The app's modules are imported only once tracing runs, so its instrumentations see them load.
launch('payment', loadPaymentConfig, () => import('./payment.app.js'));
