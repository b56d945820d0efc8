import 'reflect-metadata';
import { configOrExit, run, startApp } from '@app/runtime';
import { loadCreditConfig } from './credit.config.js';
import { CreditModule } from './credit.module.js';

run('credit', async () => {
  const config = configOrExit('credit', () => loadCreditConfig());
  await startApp(CreditModule.register(config), {
    name: 'credit',
    host: config.HOST,
    port: config.PORT,
  });
});
