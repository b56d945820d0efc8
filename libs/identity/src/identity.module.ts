import { Module, type DynamicModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { IdentitySettings } from '@app/config';
import { AuthGuard } from './auth.guard.js';
import { IDENTITY_SETTINGS } from './identity.options.js';
import { JwtVerifier } from './jwt-verifier.js';

/** Puts the token check in front of every HTTP route of the app (see AuthGuard). */
@Module({})
export class IdentityModule {
  static forRoot(settings: IdentitySettings): DynamicModule {
    return {
      module: IdentityModule,
      global: true,
      providers: [
        { provide: IDENTITY_SETTINGS, useValue: settings },
        JwtVerifier,
        { provide: APP_GUARD, useClass: AuthGuard },
      ],
      exports: [JwtVerifier],
    };
  }
}
