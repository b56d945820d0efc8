import { DynamicModule, Module } from '@nestjs/common';
import { infrastructureModules } from '@app/runtime';
import { Payment } from './payment.entity.js';
import { CreatePayments1795653838246 } from './migrations/1795653838246-create-payments.js';
import type { PaymentConfig } from './payment.config.js';

@Module({})
export class PaymentModule {
  static register(config: PaymentConfig): DynamicModule {
    return {
      module: PaymentModule,
      imports: infrastructureModules({
        service: 'payment',
        config,
        database: {
          schema: 'payments',
          entities: [Payment],
          migrations: [CreatePayments1795653838246],
        },
      }),
    };
  }
}
