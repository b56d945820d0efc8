import { Body, Controller, Get, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, type Principal, Roles } from '@app/identity';
import { Uuid, ZodValidationPipe } from '@app/validation';
import { CustomerAnswer, CustomerCreditAnswer } from '../docs/api-schemas.js';
import {
  ApiAnswer,
  ApiCaller,
  ApiErrors,
  ApiJsonBody,
  ApiUuidParam,
} from '../docs/api-docs.decorators.js';
import { Forwarded, type ForwardedContext } from '../upstream/forwarded-context.js';
import { CreateCustomerRequest } from './create-customer.request.js';
import { CustomersService } from './customers.service.js';

@ApiTags('customers')
@ApiCaller()
@Controller('api/customers')
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Post()
  @Roles('admin')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'Create a customer with a credit limit (admin)' })
  @ApiJsonBody(CreateCustomerRequest)
  @ApiAnswer(HttpStatus.CREATED, 'The new customer', CustomerAnswer)
  @ApiErrors(HttpStatus.FORBIDDEN)
  create(
    @Body(new ZodValidationPipe(CreateCustomerRequest, 'customer')) body: CreateCustomerRequest,
    @Forwarded() context: ForwardedContext,
  ): Promise<unknown> {
    return this.customers.create(body, context);
  }

  @Get(':id/credit')
  @Roles('customer', 'admin')
  @ApiOperation({ summary: 'A customer’s credit (that customer, admin)' })
  @ApiUuidParam('id', 'The customer')
  @ApiAnswer(HttpStatus.OK, 'The customer’s credit', CustomerCreditAnswer)
  @ApiErrors(HttpStatus.NOT_FOUND)
  creditOf(
    @CurrentPrincipal() principal: Principal,
    @Param('id', new ZodValidationPipe(Uuid, 'customer id', 'id')) id: string,
    @Forwarded() context: ForwardedContext,
  ): Promise<unknown> {
    return this.customers.creditOf(principal, id, context);
  }
}
