import 'reflect-metadata';
import { configOrExit, isMigrateCommand, migrateAndExit, run, startApp } from '@app/runtime';
import { loadCreditConfig } from './credit.config.js';
import { CreditModule } from './credit.module.js';
import { creditSchema } from './credit.schema.js';

run('credit', async () => {
  const config = configOrExit('credit', () => loadCreditConfig());
  if (isMigrateCommand()) return migrateAndExit('credit', config, creditSchema);
  await startApp(CreditModule.register(config), {
    name: 'credit',
    host: config.HOST,
    port: config.PORT,
    messaging: true,
  });
});
