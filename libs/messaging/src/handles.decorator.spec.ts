import 'reflect-metadata';
import { describe, expect, it } from '@jest/globals';
import { Controller, type INestApplication, type PipeTransform, type Type } from '@nestjs/common';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { isObservable, lastValueFrom } from 'rxjs';
import type { EntityManager } from 'typeorm';
import { credit } from '@app/contracts';
import { connectMessageTransport } from './connect-message-transport.js';
import type { Envelope } from './envelope.js';
import { Handles, handlerExtrasOf, HandlesWithoutInbox } from './handles.decorator.js';
import { MessageContext } from './message-context.js';
import { MessageTransport } from './message-transport.js';
import type { ResolvedMessagingOptions } from './messaging.options.js';

const command: credit.ReserveCredit = {
  orderId: 'o',
  customerId: 'c',
  total: { amount: 1, currency: 'EUR' },
};
const context = new MessageContext(
  { messageId: 'm', type: credit.ReserveCredit.type, payload: command } as Envelope,
  {} as EntityManager,
);
const seen: unknown[][] = [];

@Controller()
class CreditHandlers {
  @Handles(credit.ReserveCredit)
  reserve(payload: credit.ReserveCredit, messageContext: MessageContext): credit.CreditReserved {
    seen.push([payload, messageContext]);
    return {
      reservationId: payload.orderId,
      orderId: payload.orderId,
      customerId: payload.customerId,
      amount: payload.total,
    };
  }

  notAHandler(): string {
    return 'ignored';
  }
}

/** Marks what it is given, so a test can tell it ran. */
class MarkPipe implements PipeTransform {
  transform(value: object): object {
    return { ...value, marked: true };
  }
}

@Controller()
class ReplyHandlers {
  @Handles(credit.CreditReleased, credit.CreditReleaseFailed)
  released(@Payload(new MarkPipe()) reply: unknown, @Ctx() messageContext: MessageContext): void {
    seen.push([reply, messageContext]);
  }
}

/** The transport with nothing to consume: only its handler registration is under test. */
function aTransport(): MessageTransport {
  const options = { consume: [], prefetch: 1 } as unknown as ResolvedMessagingOptions;
  const unused = {} as never;
  const dataSource = { options: { poolSize: 3 } } as never;
  return new MessageTransport(unused, unused, unused, unused, unused, unused, options, dataSource);
}

async function appWith(...controllers: Type[]): Promise<[INestApplication, MessageTransport]> {
  const moduleRef = await Test.createTestingModule({
    controllers,
    providers: [{ provide: MessageTransport, useValue: aTransport() }],
  }).compile();
  const app = moduleRef.createNestApplication(new FastifyAdapter(), { logger: false });
  connectMessageTransport(app);
  await app.init();
  await app.startAllMicroservices();
  return [app, app.get(MessageTransport)];
}

/** Calls a registered handler the way the transport does: Nest's pipeline around the method. */
async function call(transport: MessageTransport, type: string, payload: unknown) {
  const handler = transport.getHandlers().get(type);
  if (!handler) throw new Error(`no handler for ${type}`);
  const result: unknown = await handler(payload, context);
  return isObservable(result) ? lastValueFrom(result) : result;
}

describe(Handles.name, () => {
  it('makes the method the Nest message handler of each type it names', async () => {
    const [app, transport] = await appWith(CreditHandlers, ReplyHandlers);
    expect([...transport.getHandlers().keys()].sort()).toEqual([
      'credit.credit-release-failed',
      'credit.credit-released',
      'credit.reserve-credit',
    ]);
    await app.close();
  });

  it('passes the payload and the context to a method without parameter decorators', async () => {
    const [app, transport] = await appWith(CreditHandlers);
    seen.length = 0;
    await expect(call(transport, credit.ReserveCredit.type, command)).resolves.toMatchObject({
      orderId: 'o',
    });
    expect(seen).toEqual([[command, context]]);
    await app.close();
  });

  it('leaves the parameters to @Payload() and @Ctx() where the method uses them', async () => {
    const [app, transport] = await appWith(ReplyHandlers);
    seen.length = 0;
    await call(transport, credit.CreditReleased.type, { orderId: 'o' });
    expect(seen).toEqual([[{ orderId: 'o', marked: true }, context]]);
    await app.close();
  });

  it('refuses two handlers of one message type', async () => {
    @Controller()
    class AnotherCreditHandler {
      @Handles(credit.ReserveCredit)
      reserve(): credit.CreditReserved {
        throw new Error('never called');
      }
    }
    await expect(appWith(CreditHandlers, AnotherCreditHandler)).rejects.toThrow(
      'credit.reserve-credit has two handlers: CreditHandlers.reserve and AnotherCreditHandler.reserve',
    );
  });

  it('refuses a message pattern that does not say which message it handles', async () => {
    @Controller()
    class BareHandler {
      @MessagePattern(credit.ReserveCredit.type)
      reserve(): void {}
    }
    await expect(appWith(BareHandler)).rejects.toThrow(
      'credit.reserve-credit needs @Handles(definition)',
    );
  });
});

describe(HandlesWithoutInbox.name, () => {
  it('marks the handler as one without an inbox row or a transaction around it', async () => {
    @Controller()
    class ReplyHandler {
      @HandlesWithoutInbox(credit.CreditReleased)
      released(): void {}
    }
    const [app, transport] = await appWith(ReplyHandler, CreditHandlers);
    const inboxOf = (type: string) =>
      handlerExtrasOf(transport.getHandlers().get(type)?.extras)?.inbox;
    expect(inboxOf(credit.CreditReleased.type)).toBe(false);
    expect(inboxOf(credit.ReserveCredit.type)).toBe(true);
    await app.close();
  });

  it('refuses a command, whose reply only the inbox keeps for its duplicates', () => {
    expect(() => HandlesWithoutInbox(credit.ReserveCredit)).toThrow(
      'credit.reserve-credit is a command: its handler needs the inbox (@Handles)',
    );
  });
});
