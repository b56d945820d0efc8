import { DynamicModule, Module } from '@nestjs/common';
import { infrastructureModules } from '@app/runtime';
import type { PaymentConfig } from './payment.config.js';
import { paymentSchema } from './payment.schema.js';

@Module({})
export class PaymentModule {
  static register(config: PaymentConfig): DynamicModule {
    return {
      module: PaymentModule,
      imports: infrastructureModules({
        service: 'payment',
        config,
        database: paymentSchema,
        messaging: { consume: ['payment.commands'] },
      }),
    };
  }
}
