import { launch } from '@app/tracing';
import { loadCreditConfig } from './credit.config.js';

// The app's modules are imported only once tracing runs, so its instrumentations see them load.
launch('credit', loadCreditConfig, () => import('./credit.app.js'));
