import { DynamicModule, Module } from '@nestjs/common';
import { infrastructureModules } from '@app/runtime';
import { Customer } from './customer.entity.js';
import { CreateCustomers1795653838246 } from './migrations/1795653838246-create-customers.js';
import type { CreditConfig } from './credit.config.js';

@Module({})
export class CreditModule {
  static register(config: CreditConfig): DynamicModule {
    return {
      module: CreditModule,
      imports: infrastructureModules({
        service: 'credit',
        config,
        database: {
          schema: 'credit',
          entities: [Customer],
          migrations: [CreateCustomers1795653838246],
        },
      }),
    };
  }
}
