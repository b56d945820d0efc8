import { DynamicModule, Module } from '@nestjs/common';
import { ParticipantModule } from '@app/participant';
import { CancelPaymentHandler } from './commands/cancel-payment.handler.js';
import { ChargePaymentHandler } from './commands/charge-payment.handler.js';
import { RefundPaymentHandler } from './commands/refund-payment.handler.js';
import { ScreenPaymentHandler } from './commands/screen-payment.handler.js';
import { LogPaymentEventsHandler } from './events/log-payment-events.handler.js';
import { SettlePaymentHandler } from './events/settle-payment.handler.js';
import { PaymentController } from './payment.controller.js';
import type { PaymentConfig } from './payment.config.js';
import { PAYMENT_PROVIDER } from './payment-provider.js';
import { paymentProviderOf } from './payment-provider.factory.js';
import { PaymentRepository } from './payment.repository.js';
import { PAYMENT_SETTLEMENT_OPTIONS, PaymentSettlement } from './payment-settlement.js';
import { paymentSchema } from './payment.schema.js';
import { GetPaymentHandler } from './queries/get-payment.handler.js';
import { TypeOrmPaymentRepository } from './typeorm-payment.repository.js';

@Module({})
export class PaymentModule {
  static register(config: PaymentConfig): DynamicModule {
    return {
      module: PaymentModule,
      imports: [ParticipantModule.forRoot({ service: 'payment', config, schema: paymentSchema })],
      controllers: [PaymentController],
      providers: [
        ChargePaymentHandler,
        CancelPaymentHandler,
        RefundPaymentHandler,
        ScreenPaymentHandler,
        GetPaymentHandler,
        LogPaymentEventsHandler,
        SettlePaymentHandler,
        PaymentSettlement,
        {
          provide: PAYMENT_SETTLEMENT_OPTIONS,
          useValue: {
            providerTimeoutMs: config.PAYMENT_PROVIDER_TIMEOUT_MS,
            leaseMs: config.PAYMENT_SETTLE_LEASE_MS,
            intervalMs: config.PAYMENT_SETTLE_INTERVAL_MS,
          },
        },
        { provide: PaymentRepository, useClass: TypeOrmPaymentRepository },
        {
          provide: PAYMENT_PROVIDER,
          useFactory: () => paymentProviderOf(config),
        },
      ],
    };
  }
}
