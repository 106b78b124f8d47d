import { describe, expect, it } from 'vitest';
import { planStreamScan, resumeStreamScan, type StreamScanState } from './stream-scan.js';

/** The hook scanned up to position 100 of 'a'.repeat(100) + tail, answered with the pending text ending at 130. */
function state(): StreamScanState {
  return { scannedTo: 100, seen: `${'a'.repeat(100)}abcdefghijklmnopqrstuvwxyz0123`, seenFrom: 0, end: 130 };
}
const before = 'a'.repeat(90); // pending text from position 10 (10 characters released since)
const tail = 'abcdefghijklmnopqrstuvwxyz0123';

describe('resuming the scan of a stream', () => {
  it('trusts the positions when the stream says only the latest delta is new and the length agrees', () => {
    const remembered = state();
    // The tail is rewritten at the same length: with `appended` the text is not compared (the stream vouches).
    expect(resumeStreamScan(remembered, 10, `${before}${tail}XY`, 2)).toBe(100);
    expect(remembered.end).toBe(132);
  });

  it('compares the text when the stream says all of it is new, and starts over at a rewrite', () => {
    const kept = state();
    expect(resumeStreamScan(kept, 10, `${before}${tail}XY`, 122)).toBe(100);
    const rewritten = state();
    const pending = `${before}${tail.replaceAll('a', 'A')}XY`;
    expect(resumeStreamScan(rewritten, 10, pending, pending.length)).toBe(10);
    expect(rewritten).toEqual({ scannedTo: 10, seen: pending, seenFrom: 10, end: 132 });
    // The next delta: the stream vouches again, from the new start.
    expect(resumeStreamScan(rewritten, 10, `${pending}Z`, 1)).toBe(10);
  });

  it('compares the text when the pending text does not end where the new delta puts it (an earlier hook shortened it)', () => {
    const remembered = state();
    // 'x'-free text 5 characters shorter than the stream's: positions past scannedTo moved.
    expect(resumeStreamScan(remembered, 10, `${before.slice(5)}${tail}XY`, 2)).toBe(10);
  });

  it('compares the text when the stream says nothing (an older executor, or a chunk an earlier hook rewrote)', () => {
    expect(resumeStreamScan(state(), 10, `${before}${tail}XY`, undefined)).toBe(100);
    expect(resumeStreamScan(state(), 10, `${before}${tail.slice(1)}!XY`, undefined)).toBe(10);
  });

  it('starts over at a same-length rewrite of pending text it had already scanned (before scannedTo)', () => {
    expect(resumeStreamScan(state(), 10, `b${before.slice(1)}${tail}XY`, undefined)).toBe(10);
    expect(
      resumeStreamScan(state(), 10, `${before.slice(0, 50)}SECRET${before.slice(56)}${tail}XY`, 122),
    ).toBe(10);
  });
});

describe('planning the next window', () => {
  const plan = (end: number, final = false) =>
    planStreamScan({ released: 0, pending: 'p'.repeat(end), final, scannedTo: 100, holdBackChars: 512 });

  it('scans once more than the hold-back is pending past scannedTo, or at the end', () => {
    expect(plan(612).window).toBeUndefined();
    expect(plan(613)).toEqual({ window: 'p'.repeat(513), offsetInPending: 100 });
    expect(plan(300, true).window).toBe('p'.repeat(200));
  });
});
