import { Body, Controller, Get, NotFoundException, Param, Post } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { credit } from '@app/contracts';
import { actsFor, CurrentPrincipal, Roles, type Principal } from '@app/identity';
import { Handles, type MessageContext } from '@app/messaging';
import { Uuid, ZodValidationPipe } from '@app/validation';
import { CreateCustomerCommand, type CustomerView } from './commands/create-customer.handler.js';
import { ReleaseCreditCommand } from './commands/release-credit.handler.js';
import { ReserveCreditCommand } from './commands/reserve-credit.handler.js';
import { CreateCustomerRequest } from './create-customer.request.js';
import { GetCustomerCreditQuery, type CreditView } from './queries/get-customer-credit.handler.js';

/**
 * Credit's commands from the broker, each run by its handler in the message's transaction, and
 * its internal HTTP API. The gateway checks the caller first; the same token is checked again
 * here, so going around the gateway gains nothing.
 */
@Controller('customers')
export class CreditController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
  ) {}

  @Handles(credit.ReserveCredit)
  reserve(
    command: credit.ReserveCredit,
    { manager }: MessageContext,
  ): Promise<credit.CreditReserved> {
    return this.commandBus.execute(new ReserveCreditCommand(command, manager));
  }

  @Handles(credit.ReleaseCredit)
  release(
    command: credit.ReleaseCredit,
    { manager }: MessageContext,
  ): Promise<credit.CreditReleased> {
    return this.commandBus.execute(new ReleaseCreditCommand(command, manager));
  }

  @Post()
  @Roles('admin')
  create(
    @Body(new ZodValidationPipe(CreateCustomerRequest, 'customer')) body: CreateCustomerRequest,
  ): Promise<CustomerView> {
    return this.commandBus.execute(new CreateCustomerCommand(body));
  }

  @Get(':id/credit')
  async creditOf(
    @CurrentPrincipal() caller: Principal,
    @Param('id', new ZodValidationPipe(Uuid, 'customer id', 'id')) id: string,
  ): Promise<CreditView> {
    const view = actsFor(caller, id)
      ? await this.queryBus.execute(new GetCustomerCreditQuery(id))
      : undefined;
    if (!view) throw new NotFoundException(`Customer ${id} not found`);
    return view;
  }
}
