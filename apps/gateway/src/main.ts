import { launch } from '@app/tracing';
import { loadGatewayConfig } from './gateway.config.js';

// The app's modules are imported only once tracing runs, so its instrumentations see them load.
launch('gateway', loadGatewayConfig, () => import('./gateway.app.js'));
