import {
  Body,
  Controller,
  Delete,
  HttpCode,
  HttpStatus,
  Logger,
  Param,
  Post,
  UseGuards,
} from '@nestjs/common';
import { Public } from '@app/identity';
import { InstanceRegistry, REGISTRATION_PATH, type ServiceInstance } from '@app/discovery';
import { ZodValidationPipe } from '@app/validation';
import { RegistrationRequest } from './registration.request.js';
import { RegistrationTokenGuard } from './registration-token.guard.js';

/**
 * Where instances announce themselves (self-registration discovery): register or renew a lease,
 * and deregister on shutdown. Internal: callers hold the shared registration token, not a user's.
 */
@Public()
@Controller(REGISTRATION_PATH.slice(1))
@UseGuards(RegistrationTokenGuard)
export class RegistrationController {
  private readonly logger = new Logger(RegistrationController.name);

  constructor(private readonly registry: InstanceRegistry) {}

  /** Registers a new instance or renews a known one's lease; answers with its registry entry. */
  @Post()
  @HttpCode(HttpStatus.OK)
  register(
    @Body(new ZodValidationPipe(RegistrationRequest, 'registration')) body: RegistrationRequest,
  ): ServiceInstance {
    const { instance, created } = this.registry.register(body);
    if (created) this.logger.log(`Registered ${body.service} instance ${body.id} at ${body.url}`);
    return instance;
  }

  /** 204 whether or not it was known: deregistering twice is harmless. */
  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  deregister(@Param('id') id: string): void {
    const instance = this.registry.get(id);
    if (this.registry.remove(id) && instance) {
      this.logger.log(`Deregistered ${instance.service} instance ${id}`);
    }
  }
}
