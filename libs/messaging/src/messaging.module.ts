import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { BrokerConnection } from './broker-connection.js';
import { MESSAGING_OPTIONS, type MessagingOptions } from './messaging.options.js';

@Module({})
export class MessagingModule {
  static forRoot(options: MessagingOptions): DynamicModule {
    return {
      module: MessagingModule,
      global: true,
      imports: [TerminusModule],
      providers: [{ provide: MESSAGING_OPTIONS, useValue: options }, BrokerConnection],
      exports: [BrokerConnection],
    };
  }
}
