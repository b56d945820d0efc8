import 'reflect-metadata';
import type { MigrationConfig } from '@app/config';
import { connectMessageTransport } from '@app/messaging';
import { migrateAndExit } from '@app/persistence';
import { startApp } from '@app/runtime';
import type { CreditConfig } from './credit.config.js';
import { CreditModule } from './credit.module.js';
import { creditSchema } from './credit.schema.js';

/** The credit process: serves its API and its messages. */
export async function start(config: CreditConfig): Promise<void> {
  await startApp(CreditModule.register(config), {
    name: 'credit',
    host: config.HOST,
    port: config.PORT,
    connectTransport: connectMessageTransport,
  });
}

/** `main.js migrate`: migrates the schema and exits, with the database settings only. */
export function migrate(config: MigrationConfig): Promise<void> {
  return migrateAndExit('credit', config, creditSchema);
}
