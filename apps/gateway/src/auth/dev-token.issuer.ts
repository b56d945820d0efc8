import { Inject, Injectable } from '@nestjs/common';
import { devTokenSecretOf } from '@app/config';
import { signDevToken } from '@app/identity';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config.js';
import type { DevTokenRequest } from './dev-token.request.js';

/** Signs local tokens so the API can be tried without an identity provider. */
@Injectable()
export class DevTokenIssuer {
  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  issue(request: DevTokenRequest): Promise<string> {
    const grant =
      request.role === 'customer' && request.customerId
        ? { role: 'customer' as const, customerId: request.customerId }
        : { role: 'admin' as const };
    return signDevToken(devTokenSecretOf(this.config), grant);
  }
}
