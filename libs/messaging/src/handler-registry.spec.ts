import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { Controller, Injectable, type Type } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { credit } from '@app/contracts';
import { Handles } from './handles.decorator.js';
import { HandlerRegistry } from './handler-registry.js';
import type { MessageContext } from './message-context.js';

@Injectable()
class CreditHandlers {
  @Handles(credit.ReserveCredit)
  reserve(command: credit.ReserveCredit): credit.CreditReserved {
    return {
      reservationId: command.orderId,
      orderId: command.orderId,
      customerId: command.customerId,
      amount: command.total,
    };
  }

  notAHandler(): string {
    return 'ignored';
  }
}

@Controller()
class ReplyHandlers {
  @Handles(credit.CreditReleased)
  released(_reply: credit.CreditReleased, _context: MessageContext): void {}
}

async function registryWith(...providers: Type[]) {
  const moduleRef = await Test.createTestingModule({
    imports: [DiscoveryModule],
    providers: [HandlerRegistry, ...providers],
  }).compile();
  moduleRef.useLogger(false);
  await moduleRef.init();
  return moduleRef.get(HandlerRegistry);
}

describe(HandlerRegistry.name, () => {
  it('finds @Handles methods on providers and controllers', async () => {
    const registry = await registryWith(CreditHandlers, ReplyHandlers);
    expect(registry.types.sort()).toEqual(['credit.credit-released', 'credit.reserve-credit']);
    expect(registry.get('credit.reserve-credit')?.name).toBe('CreditHandlers.reserve');
  });

  it('invokes the method on its instance', async () => {
    const registry = await registryWith(CreditHandlers);
    const command = { orderId: 'o', customerId: 'c', total: { amount: 1, currency: 'EUR' } };
    await expect(
      registry.get('credit.reserve-credit')?.invoke(command, {} as MessageContext),
    ).resolves.toMatchObject({
      orderId: 'o',
    });
  });

  it('refuses two handlers of one message type', async () => {
    @Injectable()
    class AnotherCreditHandler {
      @Handles(credit.ReserveCredit)
      reserve(): credit.CreditReserved {
        throw new Error('never called');
      }
    }
    await expect(registryWith(CreditHandlers, AnotherCreditHandler)).rejects.toThrow(
      'credit.reserve-credit has two handlers',
    );
  });

  it('takes handlers registered in code beside the decorated ones', async () => {
    const registry = await registryWith(CreditHandlers);
    const seen: unknown[] = [];
    registry.add(credit.CreditReleased, 'SagaEngine.reply', (payload) => {
      seen.push(payload);
      return Promise.resolve();
    });
    await registry.get('credit.credit-released')?.invoke({ orderId: 'o' }, {} as MessageContext);
    expect(seen).toEqual([{ orderId: 'o' }]);
    expect(() =>
      registry.add(credit.ReserveCredit, 'Other.reserve', () => Promise.resolve()),
    ).toThrow('credit.reserve-credit has two handlers: CreditHandlers.reserve and Other.reserve');
  });
});
