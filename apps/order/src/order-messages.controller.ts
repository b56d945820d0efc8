import { Controller } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { order } from '@app/contracts';
import { Handles, type MessageContext } from '@app/messaging';
import { ApproveOrderCommand } from './commands/approve-order.handler.js';
import { CreatePendingOrderCommand } from './commands/create-pending-order.handler.js';
import { RejectOrderCommand } from './commands/reject-order.handler.js';

/**
 * Commands from `order.commands`, each run by its handler in the message's transaction; a domain
 * error the handler throws becomes the failure reply.
 */
@Controller()
export class OrderMessagesController {
  constructor(private readonly commandBus: CommandBus) {}

  @Handles(order.CreatePendingOrder)
  createPendingOrder(
    command: order.CreatePendingOrder,
    { manager }: MessageContext,
  ): Promise<order.OrderCreated> {
    return this.commandBus.execute(new CreatePendingOrderCommand(command, manager));
  }

  @Handles(order.ApproveOrder)
  approveOrder(
    command: order.ApproveOrder,
    { manager }: MessageContext,
  ): Promise<order.OrderApproved> {
    return this.commandBus.execute(new ApproveOrderCommand(command, manager));
  }

  @Handles(order.RejectOrder)
  rejectOrder(
    command: order.RejectOrder,
    { manager }: MessageContext,
  ): Promise<order.OrderRejected> {
    return this.commandBus.execute(new RejectOrderCommand(command, manager));
  }
}
