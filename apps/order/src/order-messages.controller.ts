import { Controller } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { order } from '@app/contracts';
import { Handles, type MessageContext } from '@app/messaging';
import { AbortOrderCancellationCommand } from './commands/abort-order-cancellation.handler.js';
import { ApproveOrderCommand } from './commands/approve-order.handler.js';
import { BeginOrderCancellationCommand } from './commands/begin-order-cancellation.handler.js';
import { CompleteOrderCancellationCommand } from './commands/complete-order-cancellation.handler.js';
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

  @Handles(order.BeginOrderCancellation)
  beginCancellation(
    command: order.BeginOrderCancellation,
    { manager }: MessageContext,
  ): Promise<order.OrderCancellationBegun> {
    return this.commandBus.execute(new BeginOrderCancellationCommand(command, manager));
  }

  @Handles(order.AbortOrderCancellation)
  abortCancellation(
    command: order.AbortOrderCancellation,
    { manager }: MessageContext,
  ): Promise<order.OrderCancellationAborted> {
    return this.commandBus.execute(new AbortOrderCancellationCommand(command, manager));
  }

  @Handles(order.CompleteOrderCancellation)
  completeCancellation(
    command: order.CompleteOrderCancellation,
    { manager }: MessageContext,
  ): Promise<order.OrderCancelled> {
    return this.commandBus.execute(new CompleteOrderCancellationCommand(command, manager));
  }
}
