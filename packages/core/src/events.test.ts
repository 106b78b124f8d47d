import { describe, expect, it, vi } from 'vitest';
import { EventBus, type HookEvent } from './events.js';
import { compilePattern } from './pattern.js';

const event = (type: string, correlationId?: string, timestamp = new Date()): HookEvent => ({
  type,
  payload: { type },
  timestamp,
  ...(correlationId ? { correlationId } : {}),
});

describe('compilePattern', () => {
  it('matches * anywhere, as any run of characters', () => {
    const cases: [string, string, boolean][] = [
      ['*', 'anything', true],
      ['hook.*', 'hook.executed', true],
      ['hook.*', 'hook.', true],
      ['hook.*', 'hooks.executed', false],
      ['*.error', 'cache.error', true],
      ['*.error', 'cache.errors', false],
      ['a.*.b', 'a.x.y.b', true],
      ['a.*.b', 'a.b', false],
      ['a*a', 'a', false],
      ['a*a', 'aa', true],
      ['*x*y*', 'zzxzzyzz', true],
      ['*x*y*', 'zzyzzxzz', false],
      ['exact', 'exact', true],
      ['exact', 'exactly', false],
    ];
    for (const [pattern, type, expected] of cases)
      expect([pattern, type, compilePattern(pattern)(type)]).toEqual([pattern, type, expected]);
  });
});

describe('EventBus', () => {
  it('delivers to matching subscribers and stops after unsubscribe', () => {
    const bus = new EventBus();
    const seen: string[] = [];
    const unsubscribe = bus.subscribe('hook.*', (received) => {
      seen.push(received.type);
    });
    bus.publish(event('hook.executed'));
    bus.publish(event('cache.error'));
    unsubscribe();
    bus.publish(event('hook.failed'));
    expect(seen).toEqual(['hook.executed']);
  });

  it('a throwing or rejecting subscriber never breaks publish or the others', async () => {
    const errors: unknown[] = [];
    const bus = new EventBus({ onSubscriberError: (error) => errors.push(error) });
    const later = vi.fn();
    bus.subscribe('*', () => {
      throw new Error('boom');
    });
    bus.subscribe('*', async () => {
      throw new Error('async boom');
    });
    bus.subscribe('*', later);
    expect(() => bus.publish(event('x'))).not.toThrow();
    await new Promise((resolve) => setImmediate(resolve));
    expect(later).toHaveBeenCalledTimes(1);
    expect(errors.map((error) => (error as Error).message).sort()).toEqual(['async boom', 'boom']);
  });

  it('warns through a process warning when no error handler is given', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => {});
    const bus = new EventBus();
    bus.subscribe('*', () => {
      throw new Error('boom');
    });
    bus.publish(event('x'));
    expect(warn).toHaveBeenCalledWith(
      expect.stringContaining("threw on 'x': boom"),
      'LlmspellEventBusWarning',
    );
    warn.mockRestore();
  });

  it('query keeps only the last `capacity` events, oldest first', () => {
    const bus = new EventBus({ capacity: 3 });
    for (let index = 0; index < 5; index++) bus.publish(event(`e.${index}`));
    expect(bus.query('*').map((received) => received.type)).toEqual(['e.2', 'e.3', 'e.4']);
    expect(bus.query('e.4')).toHaveLength(1);
  });

  it('query filters by correlation id and time', () => {
    const bus = new EventBus();
    bus.publish(event('a', 'c1', new Date(1_000)));
    bus.publish(event('a', 'c2', new Date(2_000)));
    bus.publish(event('b', 'c1', new Date(3_000)));
    expect(bus.query('*', { correlationId: 'c1' }).map((received) => received.type)).toEqual(['a', 'b']);
    expect(bus.query('a', { since: new Date(1_500) }).map((received) => received.correlationId)).toEqual([
      'c2',
    ]);
  });

  it('capacity 0 keeps no history but still delivers', () => {
    const bus = new EventBus({ capacity: 0 });
    const handler = vi.fn();
    bus.subscribe('*', handler);
    bus.publish(event('x'));
    expect(bus.query('*')).toEqual([]);
    expect(handler).toHaveBeenCalledOnce();
    expect(() => new EventBus({ capacity: -1 })).toThrow(/non-negative integer/);
  });

  it('subscribing inside a handler does not disturb the publish in progress', () => {
    const bus = new EventBus();
    const inner = vi.fn();
    bus.subscribe('*', () => {
      bus.subscribe('*', inner);
    });
    bus.publish(event('first'));
    expect(inner).not.toHaveBeenCalled();
    bus.publish(event('second'));
    expect(inner).toHaveBeenCalledOnce();
  });
});

describe('EventBus bounds', () => {
  it('truncates a huge payload and keeps the event (100 KB user id attack)', () => {
    const bus = new EventBus();
    const delivered: HookEvent[] = [];
    bus.subscribe('*', (received) => {
      delivered.push(received);
    });
    const userId = 'u'.repeat(100_000);
    bus.publish({
      type: 'rate_limit.exceeded',
      payload: { limiterKey: userId, component: 'c' },
      timestamp: new Date(),
    });
    const [kept] = bus.query('rate_limit.exceeded');
    expect(kept).toBe(delivered[0]);
    expect(kept?.truncated).toBe(true);
    const payload = kept?.payload as { limiterKey: string; component: string };
    expect(payload.component).toBe('c');
    expect(payload.limiterKey.length).toBeLessThan(1_100);
    expect(payload.limiterKey).toMatch(/more characters\]$/);
  });

  it('delivers a small payload as the very same event', () => {
    const bus = new EventBus();
    const published = event('hook.executed');
    bus.publish(published);
    expect(bus.query('*')[0]).toBe(published);
  });

  it('holds a bounded history however large the payloads: 2,000 refusals with 100 KB ids', () => {
    const bus = new EventBus({ maxHistoryBytes: 1_000_000 });
    const id = 'x'.repeat(100_000);
    for (let index = 0; index < 2_000; index++) {
      bus.publish({
        type: 'cost.budget_exceeded',
        payload: { name: `${index}${id}` },
        timestamp: new Date(),
      });
    }
    const kept = bus.query('*');
    expect(kept.length).toBeGreaterThan(50);
    expect(kept.length).toBeLessThan(2_000);
    expect((kept.at(-1)!.payload as { name: string }).name.startsWith('1999')).toBe(true);
    const retained = kept.reduce((sum, entry) => sum + JSON.stringify(entry.payload).length, 0);
    expect(retained).toBeLessThan(1_000_000);
  });

  it('truncates deep, wide and shared payloads without a long walk', () => {
    const bus = new EventBus();
    let shared: Record<string, unknown> = { leaf: 'x' };
    for (let level = 0; level < 22; level++) shared = { left: shared, right: shared };
    const wide = Array.from({ length: 100_000 }, (_, index) => index);
    const started = performance.now();
    bus.publish({ type: 'a', payload: shared, timestamp: new Date() });
    bus.publish({ type: 'b', payload: { wide }, timestamp: new Date() });
    expect(performance.now() - started).toBeLessThan(500);
    expect(bus.query('*').every((entry) => entry.truncated === true)).toBe(true);
    expect((bus.query('b')[0]!.payload as { wide: unknown[] }).wide.length).toBeLessThanOrEqual(101);
  });

  it('cuts an oversized correlation id', () => {
    const bus = new EventBus();
    bus.publish({ type: 'a', payload: {}, correlationId: 'c'.repeat(10_000), timestamp: new Date() });
    expect(bus.query('a')[0]?.correlationId?.length).toBeLessThan(300);
  });

  it('refuses bad options with HookConfigError', () => {
    expect(() => new EventBus({ maxPayloadBytes: 0 })).toThrow(/maxPayloadBytes: must be a positive integer/);
  });
});
