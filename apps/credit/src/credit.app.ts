import 'reflect-metadata';
import { connectMessageTransport } from '@app/messaging';
import { migrateAndExit } from '@app/persistence';
import { isMigrateCommand, startApp } from '@app/runtime';
import type { CreditConfig } from './credit.config.js';
import { CreditModule } from './credit.module.js';
import { creditSchema } from './credit.schema.js';

/** The credit process: `main.js migrate` migrates its schema and exits; otherwise it serves. */
export async function start(config: CreditConfig): Promise<void> {
  if (isMigrateCommand()) return migrateAndExit('credit', config, creditSchema);
  await startApp(CreditModule.register(config), {
    name: 'credit',
    host: config.HOST,
    port: config.PORT,
    connectTransport: connectMessageTransport,
  });
}
