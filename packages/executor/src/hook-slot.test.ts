import { HookPoint } from '@llmspell/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HookSlot } from './hook-slot.js';
import { percentile } from './hook-stats.js';

const newSlot = () => new HookSlot('measured', HookPoint.BeforeAgentExecution, 1_000, undefined);

/** The percentiles of the last 256 durations, computed the plain way. */
function expected(durations: readonly number[]) {
  const recent = Float64Array.from(durations.slice(-256)).sort();
  return { p50Ms: percentile(recent, 0.5), p95Ms: percentile(recent, 0.95), p99Ms: percentile(recent, 0.99) };
}

describe('HookSlot duration reservoir', () => {
  it('reports no percentiles before the first measured duration', () => {
    expect(newSlot().stats()).toMatchObject({ timedCalls: 0, p50Ms: null, p95Ms: null, p99Ms: null });
  });

  it('reports the percentiles of the last 256 measured durations, across every growth step', () => {
    const durations = Array.from({ length: 300 }, (_, index) => index + 1);
    const slot = newSlot();
    for (const [count, durationMs] of durations.entries()) {
      slot.observe(durationMs, false);
      // 16, 32, 64 and 128 are where the reservoir grows; 256 is where it starts overwriting.
      if ([1, 16, 17, 33, 129, 256, 257, 300].includes(count + 1)) {
        expect(slot.stats()).toMatchObject(expected(durations.slice(0, count + 1)));
      }
    }
    expect(slot.stats()).toMatchObject({ timedCalls: 300, p50Ms: 172, p95Ms: 288, p99Ms: 298 });
  });

  it('matches a plain list of the last 256 durations for any sequence', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { maxLength: 700 }), (durations) => {
        const slot = newSlot();
        for (const durationMs of durations) slot.observe(durationMs, false);
        const want = durations.length === 0 ? { p50Ms: null, p95Ms: null, p99Ms: null } : expected(durations);
        expect(slot.stats()).toMatchObject({ timedCalls: durations.length, ...want });
      }),
      { numRuns: 200 },
    );
  });
});

describe('HookSlot call counting', () => {
  it('times the first call, then one in sampleInterval, every call once one went async or was slow, and probes', () => {
    const slot = newSlot();
    const timed = Array.from({ length: 9 }, () => slot.beginCall(4, false));
    expect(timed).toEqual([true, false, false, false, true, false, false, false, true]);
    expect(slot.beginCall(4, true)).toBe(true);
    slot.observe(0.01, true);
    expect([slot.beginCall(4, false), slot.beginCall(4, false)]).toEqual([true, true]);
    slot.countFailure('failed');
    slot.countFailure('timeout');
    slot.countSkip();
    expect(slot.stats()).toMatchObject({ calls: 12, failures: 1, timeouts: 1, skips: 1, timedCalls: 1 });
  });
});
