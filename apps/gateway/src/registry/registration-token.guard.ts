import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import {
  Inject,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { REGISTRATION_TOKEN } from './registry.tokens.js';

/** The registration routes take only callers holding the shared DISCOVERY_REGISTRATION_TOKEN. */
@Injectable()
export class RegistrationTokenGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(@Inject(REGISTRATION_TOKEN) token: string) {
    this.expected = Buffer.from(`Bearer ${token}`);
  }

  canActivate(context: ExecutionContext): boolean {
    const given = Buffer.from(
      context.switchToHttp().getRequest<IncomingMessage>().headers.authorization ?? '',
    );
    if (given.length !== this.expected.length || !timingSafeEqual(given, this.expected)) {
      throw new UnauthorizedException('A valid registration token is required');
    }
    return true;
  }
}
