import { DynamicModule, Module } from '@nestjs/common';
import { infrastructureModules } from '@app/runtime';
import { PaymentController } from './payment.controller.js';
import type { PaymentConfig } from './payment.config.js';
import { PAYMENT_PROVIDER } from './payment-provider.js';
import { paymentSchema } from './payment.schema.js';
import { PaymentService } from './payment.service.js';
import { PaymentSimulatorProvider } from './payment-simulator.provider.js';

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
      controllers: [PaymentController],
      providers: [
        PaymentService,
        {
          provide: PAYMENT_PROVIDER,
          useFactory: () =>
            new PaymentSimulatorProvider({ slowMs: config.PAYMENT_SIMULATOR_SLOW_MS }),
        },
      ],
    };
  }
}
