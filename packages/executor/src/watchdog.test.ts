import { HookResult } from '@llmspell/core';
import { describe, expect, it, vi } from 'vitest';
import { delay, hook, makeContext, point, registryWith } from './__fixtures__/hooks.js';
import { HookExecutor } from './hook-executor.js';
import { type Deadline, Watchdog } from './watchdog.js';

/** Timers that keep the process alive (unref'd ones are not listed). */
function refedTimers(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;
}

function entry(deadlineAtMs: number, expired: string[], name: string): Deadline {
  return { deadlineAtMs, heapIndex: -1, expire: () => expired.push(name) };
}

describe('Watchdog', () => {
  it('expires deadlines in deadline order with one timer, whatever the order they were added in', async () => {
    const watchdog = new Watchdog();
    const expired: string[] = [];
    const now = performance.now();
    watchdog.add(entry(now + 60, expired, 'c'));
    watchdog.add(entry(now + 20, expired, 'a'));
    watchdog.add(entry(now + 40, expired, 'b'));
    await delay(150);
    expect(expired).toEqual(['a', 'b', 'c']);
    expect(watchdog.size).toBe(0);
  });

  it('never expires a removed deadline', async () => {
    const watchdog = new Watchdog();
    const expired: string[] = [];
    const now = performance.now();
    const removed = entry(now + 20, expired, 'removed');
    watchdog.add(removed);
    watchdog.add(entry(now + 30, expired, 'kept'));
    watchdog.remove(removed);
    await delay(100);
    expect(expired).toEqual(['kept']);
  });

  it('keeps the process alive only while a deadline is watched', async () => {
    const baseline = refedTimers();
    const watchdog = new Watchdog();
    const watched = entry(performance.now() + 10_000, [], 'long');
    watchdog.add(watched);
    expect(refedTimers()).toBe(baseline + 1);
    watchdog.remove(watched);
    watchdog.release();
    expect(refedTimers()).toBe(baseline);
  });
});

describe('HookExecutor deadlines and the process', () => {
  it('holds the process open while a hook is in flight and lets go once it answered', async () => {
    let finish: (() => void) | undefined;
    const registry = await registryWith([
      hook(
        'waits',
        () =>
          new Promise((resolve) => {
            finish = () => resolve(HookResult.continue());
          }),
        { timeoutMs: 60_000 },
      ),
    ]);
    const executor = new HookExecutor(registry);
    const baseline = refedTimers();
    const pending = executor.execute(point, makeContext());
    expect(refedTimers()).toBe(baseline + 1);
    finish!();
    await pending;
    expect(refedTimers()).toBe(baseline);
  });

  it('arms no timer for sync hooks and one timer for a run of async hooks', async () => {
    const sync = new HookExecutor(await registryWith([hook('sync', () => HookResult.continue())]));
    const asyncHooks = Array.from({ length: 10 }, (_, index) =>
      hook(`async-${index}`, async () => HookResult.continue()),
    );
    const asynchronous = new HookExecutor(await registryWith(asyncHooks));
    const setTimeoutSpy = vi.spyOn(globalThis, 'setTimeout');
    try {
      await sync.execute(point, makeContext());
      expect(setTimeoutSpy).not.toHaveBeenCalled();
      await asynchronous.execute(point, makeContext());
      expect(setTimeoutSpy).toHaveBeenCalledTimes(1);
    } finally {
      setTimeoutSpy.mockRestore();
    }
  });
});
