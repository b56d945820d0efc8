import { Body, Controller, Get, NotFoundException, Param, Post } from '@nestjs/common';
import { credit } from '@app/contracts';
import { actsFor, CurrentPrincipal, Roles, type Principal } from '@app/identity';
import { Handles, type MessageContext } from '@app/messaging';
import { z } from 'zod';
import { CreateCustomerRequest } from './create-customer.request.js';
import { CreditService, type CreditView, type CustomerView } from './credit.service.js';
import { ZodValidationPipe } from './zod-validation.pipe.js';

/**
 * Credit's commands from the broker, and its internal HTTP API. The gateway checks the caller
 * first; the same token is checked again here, so going around the gateway gains nothing.
 */
@Controller('customers')
export class CreditController {
  constructor(private readonly creditService: CreditService) {}

  @Handles(credit.ReserveCredit)
  reserve(
    command: credit.ReserveCredit,
    { manager }: MessageContext,
  ): Promise<credit.CreditReserved> {
    return this.creditService.reserve(command, manager);
  }

  @Handles(credit.ReleaseCredit)
  release(
    command: credit.ReleaseCredit,
    { manager }: MessageContext,
  ): Promise<credit.CreditReleased> {
    return this.creditService.release(command, manager);
  }

  @Post()
  @Roles('admin')
  create(
    @Body(new ZodValidationPipe(CreateCustomerRequest, 'customer')) body: CreateCustomerRequest,
  ): Promise<CustomerView> {
    return this.creditService.createCustomer(body);
  }

  @Get(':id/credit')
  async creditOf(
    @CurrentPrincipal() caller: Principal,
    @Param('id', new ZodValidationPipe(z.uuid(), 'customer id')) id: string,
  ): Promise<CreditView> {
    const view = actsFor(caller, id) ? await this.creditService.creditOf(id) : undefined;
    if (!view) throw new NotFoundException(`Customer ${id} not found`);
    return view;
  }
}
