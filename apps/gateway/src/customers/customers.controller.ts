import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { CurrentPrincipal, type Principal } from '../auth/principal.js';
import { Roles } from '../auth/roles.decorator.js';
import { Forwarded, type ForwardedContext } from '../upstream/forwarded-context.js';
import { Uuid } from '../validation/uuid.schema.js';
import { ZodValidationPipe } from '../validation/zod-validation.pipe.js';
import { CreateCustomerRequest } from './create-customer.request.js';
import { CustomersService } from './customers.service.js';

@Controller('api/customers')
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Post()
  @Roles('admin')
  @HttpCode(HttpStatus.CREATED)
  create(
    @Body(new ZodValidationPipe(CreateCustomerRequest, 'customer')) body: CreateCustomerRequest,
    @Forwarded() context: ForwardedContext,
  ): Promise<unknown> {
    return this.customers.create(body, context);
  }

  @Get(':id/credit')
  @Roles('customer', 'admin')
  creditOf(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ZodValidationPipe(Uuid, 'customer id', 'id')) id: string,
    @Forwarded() context: ForwardedContext,
  ): Promise<unknown> {
    return this.customers.creditOf(principal, id, context);
  }
}
