import { Controller } from '@nestjs/common';
import { order } from '@app/contracts';
import { Handles, type MessageContext } from '@app/messaging';
import { OrderService } from './order.service.js';

/** Commands from `order.commands`; a domain error thrown by the service becomes the failure reply. */
@Controller()
export class OrderMessagesController {
  constructor(private readonly orders: OrderService) {}

  @Handles(order.CreatePendingOrder)
  async createPendingOrder(
    command: order.CreatePendingOrder,
    { manager }: MessageContext,
  ): Promise<order.OrderCreated> {
    const created = await this.orders.create(command, manager);
    return { orderId: created.id, status: 'PENDING' };
  }

  @Handles(order.ApproveOrder)
  async approveOrder(
    command: order.ApproveOrder,
    { manager }: MessageContext,
  ): Promise<order.OrderApproved> {
    const approved = await this.orders.approve(command.orderId, manager);
    return { orderId: approved.id, status: 'APPROVED' };
  }

  @Handles(order.RejectOrder)
  async rejectOrder(
    command: order.RejectOrder,
    { manager }: MessageContext,
  ): Promise<order.OrderRejected> {
    const rejected = await this.orders.reject(command, manager);
    return { orderId: rejected.id, status: 'REJECTED' };
  }
}
