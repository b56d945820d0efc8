import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import {
  ChaosDraws,
  DUPLICATE_DELAY_MS,
  HOLD_MS,
  MessagingChaos,
  seededRandom,
  type ChaosInjection,
} from './messaging-chaos.js';
import { resolveMessagingOptions, type MessagingChaosOptions } from './messaging.options.js';

function drawsOf(options: MessagingChaosOptions, count: number): ChaosInjection[] {
  const draws = new ChaosDraws(options);
  return Array.from({ length: count }, () => draws.next());
}

function chaosWith(chaos?: MessagingChaosOptions): MessagingChaos {
  return new MessagingChaos(
    resolveMessagingOptions({ url: 'amqp://localhost', connectionName: 'test', chaos }),
  );
}

const message = {
  messageId: '0b6f7c5e-2f0a-4c6e-9a43-0d5b8f0a1c11',
  type: 'credit.reserve-credit',
};

describe(ChaosDraws.name, () => {
  it('draws the same fates from the same seed, and others from another', () => {
    const options: MessagingChaosOptions = { kinds: ['duplicate', 'reorder'], rate: 0.3, seed: 7 };
    expect(drawsOf(options, 50)).toEqual(drawsOf(options, 50));
    expect(drawsOf({ ...options, seed: 8 }, 50)).not.toEqual(drawsOf(options, 50));
  });

  it('leaves every message alone at rate 0', () => {
    const draws = drawsOf({ kinds: ['duplicate', 'reorder'], rate: 0, seed: 1 }, 200);
    expect(draws.every((injection) => Object.keys(injection).length === 0)).toBe(true);
  });

  it('duplicates and holds back every message at rate 1, within the documented delays', () => {
    const draws = drawsOf({ kinds: ['duplicate', 'reorder'], rate: 1, seed: 1 }, 500);
    for (const { duplicateAfterMs, holdMs } of draws) {
      expect(duplicateAfterMs).toBeGreaterThanOrEqual(DUPLICATE_DELAY_MS.min);
      expect(duplicateAfterMs).toBeLessThanOrEqual(DUPLICATE_DELAY_MS.max);
      expect(holdMs).toBeGreaterThanOrEqual(HOLD_MS.min);
      expect(holdMs).toBeLessThanOrEqual(HOLD_MS.max);
    }
    // Spread over the range, not stuck at one value.
    expect(new Set(draws.map((injection) => injection.holdMs)).size).toBeGreaterThan(100);
  });

  it('does only the kinds it is given', () => {
    const duplicates = drawsOf({ kinds: ['duplicate'], rate: 1, seed: 3 }, 20);
    expect(duplicates.every((injection) => injection.holdMs === undefined)).toBe(true);
    const holds = drawsOf({ kinds: ['reorder'], rate: 1, seed: 3 }, 20);
    expect(holds.every((injection) => injection.duplicateAfterMs === undefined)).toBe(true);
  });

  it('injects each kind at about its rate', () => {
    const draws = drawsOf({ kinds: ['duplicate', 'reorder'], rate: 0.05, seed: 11 }, 20_000);
    const duplicated = draws.filter((injection) => injection.duplicateAfterMs !== undefined);
    const held = draws.filter((injection) => injection.holdMs !== undefined);
    expect(duplicated.length / draws.length).toBeCloseTo(0.05, 2);
    expect(held.length / draws.length).toBeCloseTo(0.05, 2);
  });

  it('draws from the same generator as the chaos harness (mulberry32)', () => {
    // chaos/random.mjs: new Random(1).next() three times.
    const random = seededRandom(1);
    expect([random(), random(), random()]).toEqual([
      0.6270739405881613, 0.002735721180215478, 0.5274470399599522,
    ]);
  });
});

describe(MessagingChaos.name, () => {
  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('is off and draws nothing without options', () => {
    const chaos = chaosWith(undefined);
    expect(chaos.enabled).toBe(false);
    expect(chaos.draw(message, true)).toEqual({});
    expect(chaosWith({ kinds: [], rate: 1 }).enabled).toBe(false);
  });

  it('says once at start-up that it is on, with its kinds and rate', () => {
    const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    chaosWith({ kinds: ['duplicate', 'reorder'], rate: 0.05, seed: 9 }).onApplicationBootstrap();
    chaosWith(undefined).onApplicationBootstrap();
    expect(log).toHaveBeenCalledTimes(1);
    expect(log).toHaveBeenCalledWith({
      msg: expect.stringMatching(/duplicate, reorder at rate 0\.05 \(seed 9\)/),
      messagingChaos: 'on',
    });
  });

  it('tells every injection in a warn line the harness counts, and counts it', () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const chaos = chaosWith({ kinds: ['duplicate', 'reorder'], rate: 1, seed: 9 });
    chaos.draw(message, true);
    expect(warn.mock.calls.map(([line]): unknown => line)).toEqual([
      expect.objectContaining({
        messagingChaos: 'duplicate',
        messageId: message.messageId,
        messageType: message.type,
      }),
      expect.objectContaining({
        messagingChaos: 'reorder',
        messageId: message.messageId,
        messageType: message.type,
      }),
    ]);
    expect(chaos.injected).toEqual({ duplicate: 1, reorder: 1 });
  });

  it('holds nothing back while the caller cannot, and does not count it', () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const chaos = chaosWith({ kinds: ['reorder'], rate: 1, seed: 9 });
    expect(chaos.draw(message, false)).toEqual({});
    expect(chaos.injected.reorder).toBe(0);
  });

  it('ends every hold and drops pending copies when stopped, and injects nothing after', async () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const chaos = chaosWith({ kinds: ['duplicate', 'reorder'], rate: 1, seed: 9 });
    const copy = jest.fn(() => Promise.resolve());
    jest.useFakeTimers();
    try {
      const held = chaos.hold(60_000);
      chaos.later(0, copy);
      chaos.stop();
      await expect(held).resolves.toBe(false);
      await expect(chaos.hold(1)).resolves.toBe(false);
      jest.runAllTimers();
      expect(copy).not.toHaveBeenCalled();
    } finally {
      jest.useRealTimers();
    }
    expect(chaos.draw(message, true)).toEqual({});
  });

  it('ends a hold with true once its time is up', async () => {
    const chaos = chaosWith({ kinds: ['reorder'], rate: 1, seed: 9 });
    await expect(chaos.hold(1)).resolves.toBe(true);
  });
});
