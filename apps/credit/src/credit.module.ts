import { DynamicModule, Module } from '@nestjs/common';
import { infrastructureModules } from '@app/runtime';
import type { CreditConfig } from './credit.config.js';
import { CreditController } from './credit.controller.js';
import { creditSchema } from './credit.schema.js';
import { CreditService } from './credit.service.js';

@Module({})
export class CreditModule {
  static register(config: CreditConfig): DynamicModule {
    return {
      module: CreditModule,
      imports: infrastructureModules({
        service: 'credit',
        config,
        database: creditSchema,
        messaging: { consume: ['credit.commands'] },
      }),
      controllers: [CreditController],
      providers: [CreditService],
    };
  }
}
