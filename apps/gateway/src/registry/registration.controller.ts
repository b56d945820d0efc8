import {
  Body,
  Controller,
  Delete,
  ForbiddenException,
  HttpCode,
  HttpException,
  HttpStatus,
  Inject,
  Logger,
  Param,
  Post,
  Req,
  UseGuards,
} from '@nestjs/common';
import { Public } from '@app/identity';
import { InstanceRegistry, REGISTRATION_PATH, type ServiceInstance } from '@app/discovery';
import { ZodValidationPipe } from '@app/validation';
import type { ServiceName } from '../upstream/service-names.js';
import { isAllowedRegistrationUrl, type RegistrationUrlRule } from './registry.config.js';
import { RegistrationRequest } from './registration.request.js';
import { RegistrationTokenGuard, type RegistrantRequest } from './registration-token.guard.js';
import { REGISTRATION_POLICY } from './registry.tokens.js';

export interface RegistrationPolicy {
  allowedUrls: readonly RegistrationUrlRule[];
  maxInstancesPerService: number;
}

/**
 * Where instances announce themselves (self-registration discovery): register or renew a lease,
 * and deregister on shutdown. Internal: callers hold their service's registration credential,
 * which acts for that service only, at the addresses the allow-list gives it, up to a cap.
 */
@Public()
@Controller(REGISTRATION_PATH.slice(1))
@UseGuards(RegistrationTokenGuard)
export class RegistrationController {
  private readonly logger = new Logger(RegistrationController.name);

  constructor(
    private readonly registry: InstanceRegistry,
    @Inject(REGISTRATION_POLICY) private readonly policy: RegistrationPolicy,
  ) {}

  /** Registers a new instance or renews a known one's lease; answers with its registry entry. */
  @Post()
  @HttpCode(HttpStatus.OK)
  register(
    @Req() request: RegistrantRequest,
    @Body(new ZodValidationPipe(RegistrationRequest, 'registration')) body: RegistrationRequest,
  ): ServiceInstance {
    const registrant = registrantOf(request);
    if (body.service !== registrant) {
      throw forbidden(`This credential registers ${registrant} instances only`);
    }
    if (!isAllowedRegistrationUrl(this.policy.allowedUrls, registrant, body.url)) {
      throw forbidden(`${body.url} is not an address ${registrant} instances may register`);
    }
    const known = this.registry.get(body.id);
    if (known && known.service !== registrant) {
      throw forbidden(`Instance ${body.id} belongs to another service`);
    }
    if (
      !known &&
      this.registry.instancesOf(registrant).length >= this.policy.maxInstancesPerService
    ) {
      throw new HttpException(
        {
          statusCode: HttpStatus.TOO_MANY_REQUESTS,
          error: 'Too Many Requests',
          message: `${registrant} already has ${this.policy.maxInstancesPerService} instances`,
        },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    const { instance, created } = this.registry.register(body);
    if (created) this.logger.log(`Registered ${body.service} instance ${body.id} at ${body.url}`);
    return instance;
  }

  /** 204 whether or not it was known: deregistering twice is harmless. */
  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  deregister(@Req() request: RegistrantRequest, @Param('id') id: string): void {
    const registrant = registrantOf(request);
    const instance = this.registry.get(id);
    if (!instance) return;
    // Only the service that registered an instance may take it out of rotation.
    if (instance.service !== registrant) {
      throw forbidden(`Instance ${id} belongs to another service`);
    }
    if (this.registry.remove(id))
      this.logger.log(`Deregistered ${instance.service} instance ${id}`);
  }
}

function registrantOf(request: RegistrantRequest): ServiceName {
  // The guard sets it on every request it lets through.
  if (!request.registrant) throw new Error('Registration route reached without a registrant');
  return request.registrant;
}

function forbidden(message: string): ForbiddenException {
  return new ForbiddenException({ statusCode: 403, error: 'Forbidden', message });
}
