import { describe, expect, it } from 'vitest';
import { FixedWindowCounter } from './fixed-window-counter.js';

describe('FixedWindowCounter', () => {
  it('counts calls of one key in its window and starts again at 1 once the window has ended', () => {
    const counter = new FixedWindowCounter(1_000);
    expect(counter.take('k', 0)).toEqual({ count: 1, resetAt: 1_000, tokens: 0 });
    expect(counter.take('k', 999).count).toBe(2);
    expect(counter.take('k', 1_000)).toEqual({ count: 1, resetAt: 2_000, tokens: 0 });
    counter.stop();
  });

  it('keeps keys apart', () => {
    const counter = new FixedWindowCounter(1_000);
    counter.take('a', 0);
    counter.take('a', 0);
    expect(counter.take('b', 0).count).toBe(1);
    counter.stop();
  });

  it('sweeps the windows of 100,000 idle keys, keeping only live ones', () => {
    const counter = new FixedWindowCounter(1_000);
    for (let i = 0; i < 100_000; i++) counter.take(`user-${i}`, i / 100);
    // user-5's first window ended at 1_000.05: this call opens its second window, ending at 2_000.1.
    expect(counter.take('user-5', 1_000.1)).toEqual({ count: 1, resetAt: 2_000.1, tokens: 0 });
    expect(counter.size).toBe(100_000);
    counter.sweep(1_000.5);
    // The windows of user-0 … user-50 ended at or before 1_000.5; user-5's renewed one is still live.
    expect(counter.size).toBe(100_000 - 51 + 1);
    counter.sweep(2_001);
    expect(counter.size).toBe(0);
    counter.stop();
  });

  it('keeps window-end order when a key renews, so a sweep stops at the first live window', () => {
    const counter = new FixedWindowCounter(100);
    counter.take('first', 0);
    counter.take('second', 50);
    counter.take('first', 120);
    counter.sweep(151);
    expect(counter.size).toBe(1);
    expect(counter.take('first', 151).count).toBe(2);
    counter.stop();
  });

  it('sweeps idle windows in the background without any call', async () => {
    const counter = new FixedWindowCounter(20);
    for (let i = 0; i < 1_000; i++) counter.take(`user-${i}`, performance.now());
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(counter.size).toBe(0);
    counter.stop();
  });
});
