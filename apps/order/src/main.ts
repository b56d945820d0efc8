import { launch } from '@app/tracing';
import { loadOrderConfig } from './order.config.js';

// The app's modules are imported only once tracing runs, so its instrumentations see them load.
launch('order', loadOrderConfig, () => import('./order.app.js'));
