import type { MetricsRecorder } from '@llmspell/core';
import type { Counter, Histogram, Meter } from '@opentelemetry/api';

/**
 * A `MetricsRecorder` that forwards to OpenTelemetry: each name `increment`ed becomes a counter, each name
 * `observe`d a histogram, both of that name, created on first use; labels become attributes.
 */
export class OpenTelemetryMetrics implements MetricsRecorder {
  readonly #meter: Meter;
  readonly #counters = new Map<string, Counter>();
  readonly #histograms = new Map<string, Histogram>();

  constructor(meter: Meter) {
    this.#meter = meter;
  }

  increment(name: string, by = 1, labels?: Record<string, string>): void {
    let counter = this.#counters.get(name);
    if (counter === undefined) {
      counter = this.#meter.createCounter(name);
      this.#counters.set(name, counter);
    }
    counter.add(by, labels);
  }

  observe(name: string, value: number, labels?: Record<string, string>): void {
    let histogram = this.#histograms.get(name);
    if (histogram === undefined) {
      histogram = this.#meter.createHistogram(name, name.endsWith('_ms') ? { unit: 'ms' } : undefined);
      this.#histograms.set(name, histogram);
    }
    histogram.record(value, labels);
  }
}
