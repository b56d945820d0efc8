import { Module, type DynamicModule } from '@nestjs/common';
import {
  REGISTRATION_OPTIONS,
  RegistrationClient,
  type RegistrationOptions,
} from './registration.client.js';

/** Makes the app announce itself to the gateway's registry (self-registration discovery). */
@Module({})
export class RegistrationModule {
  static forRoot(options: RegistrationOptions): DynamicModule {
    return {
      module: RegistrationModule,
      providers: [{ provide: REGISTRATION_OPTIONS, useValue: options }, RegistrationClient],
      exports: [RegistrationClient],
    };
  }
}
