// Interleaved, paired measurement on top of mitata's `measure`: every side of a comparison is measured once per
// round, in a rotating order, and the ratio is taken round by round, so drift on a shared machine (another
// process waking up, thermal changes, GC pressure building) hits both sides alike instead of one.
import { measure } from 'mitata';

/** Measurement settings for a full run and for `--quick` (CI: proves it works, figures are rough). */
export function profileFor(quick) {
  return quick
    ? { quick, rounds: 3, minCpuTimeMs: 20, memoryScale: 0.5 }
    : { quick, rounds: 11, minCpuTimeMs: 200, memoryScale: 1 };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Measures every side in `sides` ({ label, fn }) `profile.rounds` times, interleaved, and returns per side the
 * median over rounds of the per-round median time per call (ns), plus the per-round values for paired ratios.
 * `batch: true` (for calls well under 10 µs) times batches of 256 calls per sample, `false` times every call
 * on its own; both sides of a comparison always use the same mode. Short samples and the median keep a sample
 * that the OS scheduler interrupted (the machine is shared) from moving the figure.
 */
export async function interleave(sides, profile, { batch = true } = {}) {
  const perRound = sides.map(() => []);
  const options = {
    min_cpu_time: profile.minCpuTimeMs * 1e6,
    batch_threshold: batch ? Number.POSITIVE_INFINITY : 0,
    batch_samples: 256,
    // No forced full GC before each measurement: right after one, V8 runs some of this code measurably slower
    // for a while (seen on the executor's async path), which would favour whichever side had warmed up longer.
    gc: false,
    warmup_threshold: Number.POSITIVE_INFINITY,
  };
  // One untimed warm-up pass per side, so the first timed round does not pay for JIT tiers or connections.
  for (const side of sides) await measure(side.fn, { ...options, min_cpu_time: 2e6, min_samples: 2 });
  for (let round = 0; round < profile.rounds; round++) {
    for (let step = 0; step < sides.length; step++) {
      const index = (round + step) % sides.length;
      const stats = await measure(sides[index].fn, { ...options });
      perRound[index].push(stats.p50);
    }
  }
  return sides.map((side, index) => ({
    label: side.label,
    ns: median(perRound[index]),
    rounds: perRound[index],
  }));
}

/** Median over rounds of a.rounds[i] / b.rounds[i], with the lowest and highest round ratio. */
export function pairedRatio(a, b) {
  const ratios = a.rounds.map((value, index) => value / b.rounds[index]);
  return { ratio: median(ratios), low: Math.min(...ratios), high: Math.max(...ratios) };
}

/** Median over rounds of a.rounds[i] - b.rounds[i], in ns. */
export function pairedDifference(a, b) {
  return median(a.rounds.map((value, index) => value - b.rounds[index]));
}

export function formatTime(ns) {
  if (ns < 1_000) return `${ns.toFixed(ns < 10 ? 2 : ns < 100 ? 1 : 0)} ns`;
  if (ns < 1_000_000) return `${(ns / 1_000).toFixed(ns < 10_000 ? 2 : ns < 100_000 ? 1 : 0)} µs`;
  return `${(ns / 1_000_000).toFixed(2)} ms`;
}

export function formatRatio({ ratio, low, high }) {
  return `${ratio.toFixed(2)}× (${low.toFixed(2)}–${high.toFixed(2)})`;
}

export function formatBytes(bytes) {
  // Readings move by about ±100 KB between runs: per item over 10,000+ items that is ±10 B.
  if (bytes < 16) return '< 16 B (noise level)';
  if (Math.abs(bytes) < 10_000) return `${Math.round(bytes)} B`;
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

/**
 * Bytes in use after full garbage collections (needs node --expose-gc): the V8 heap plus external memory,
 * where the backing stores of typed arrays larger than 64 bytes live.
 */
export async function settledHeapBytes() {
  if (typeof globalThis.gc !== 'function') {
    throw new Error('Memory figures need node --expose-gc: run through `pnpm bench`');
  }
  for (let pass = 0; pass < 4; pass++) {
    globalThis.gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const { heapUsed, external } = process.memoryUsage();
  return heapUsed + external;
}
