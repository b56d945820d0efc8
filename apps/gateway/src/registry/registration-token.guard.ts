import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import {
  Inject,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { ServiceName } from '../upstream/service-names.js';
import { REGISTRATION_CREDENTIALS } from './registry.tokens.js';

/** The request of a caller whose registration credential was recognised, and its service. */
export type RegistrantRequest = FastifyRequest & { registrant?: ServiceName };

/**
 * The registration routes take only callers holding one service's credential
 * (DISCOVERY_REGISTRATION_TOKENS), and remember which service that is: a credential acts for its
 * own service only. Digests are compared, in constant time, so neither a token's content nor its
 * length leaks through timing.
 */
@Injectable()
export class RegistrationTokenGuard implements CanActivate {
  private readonly digests: [ServiceName, Buffer][];

  constructor(@Inject(REGISTRATION_CREDENTIALS) credentials: ReadonlyMap<ServiceName, string>) {
    this.digests = [...credentials].map(([service, token]) => [
      service,
      digestOf(`Bearer ${token}`),
    ]);
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<RegistrantRequest>();
    const given = digestOf(request.headers.authorization ?? '');
    let registrant: ServiceName | undefined;
    // Every credential is compared, matched or not, so the time taken does not say which.
    for (const [service, expected] of this.digests) {
      if (timingSafeEqual(given, expected)) registrant = service;
    }
    if (!registrant) throw new UnauthorizedException('A valid registration token is required');
    request.registrant = registrant;
    return true;
  }
}

function digestOf(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}
