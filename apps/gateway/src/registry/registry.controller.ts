import { Controller, Get, HttpStatus } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { InstanceRegistry, type ServiceInstance } from '@app/discovery';
import { Roles } from '@app/identity';
import { ApiAnswer, ApiCaller, ApiErrors } from '../docs/api-docs.decorators.js';
import { RegistryAnswer } from '../docs/api-schemas.js';

/** The live view of every instance the gateway knows, for operators. */
@ApiTags('registry')
@ApiCaller()
@Controller('api/registry')
export class RegistryController {
  constructor(private readonly registry: InstanceRegistry) {}

  @Get()
  @Roles('admin')
  @ApiOperation({ summary: 'Every instance of every service and its health (admin)' })
  @ApiAnswer(HttpStatus.OK, 'The live view of the registry', RegistryAnswer)
  @ApiErrors(HttpStatus.FORBIDDEN)
  list(): ServiceInstance[] {
    return this.registry.list();
  }
}
