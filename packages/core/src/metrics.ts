/** Where hooks count things (`increment`) and record measurements (`observe`). */
export interface MetricsRecorder {
  increment(name: string, by?: number, labels?: Record<string, string>): void;
  observe(name: string, value: number, labels?: Record<string, string>): void;
}

/** One metric in `InMemoryMetrics.snapshot()`. */
export interface MetricSnapshot {
  /** How many times it was incremented or observed. */
  count: number;
  /** The total of the increments or observed values. */
  sum: number;
  /** The sum per label set, keyed `name=value` pairs joined by `,` in key order (e.g. `type=sql`). */
  byLabels?: Record<string, number>;
}

/** A recorder that drops everything; what a context uses when none was given. */
export const noopMetrics: MetricsRecorder = Object.freeze({
  increment() {},
  observe() {},
});

function labelKey(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((key) => `${key}=${labels[key]}`)
    .join(',');
}

/** Keeps counts and sums in memory; `snapshot()` is a plain JSON object keyed by metric name. */
export class InMemoryMetrics implements MetricsRecorder {
  readonly #metrics = new Map<string, MetricSnapshot>();

  increment(name: string, by = 1, labels?: Record<string, string>): void {
    this.#record(name, by, labels);
  }

  observe(name: string, value: number, labels?: Record<string, string>): void {
    this.#record(name, value, labels);
  }

  /** A copy of every metric recorded so far. */
  snapshot(): Record<string, MetricSnapshot> {
    const copy: Record<string, MetricSnapshot> = {};
    for (const [name, metric] of this.#metrics) {
      copy[name] = metric.byLabels
        ? { count: metric.count, sum: metric.sum, byLabels: { ...metric.byLabels } }
        : { count: metric.count, sum: metric.sum };
    }
    return copy;
  }

  /** Forgets every metric. */
  reset(): void {
    this.#metrics.clear();
  }

  #record(name: string, value: number, labels: Record<string, string> | undefined): void {
    let metric = this.#metrics.get(name);
    if (!metric) {
      metric = { count: 0, sum: 0 };
      this.#metrics.set(name, metric);
    }
    metric.count += 1;
    metric.sum += value;
    if (labels && Object.keys(labels).length > 0) {
      metric.byLabels ??= {};
      const key = labelKey(labels);
      metric.byLabels[key] = (metric.byLabels[key] ?? 0) + value;
    }
  }
}
