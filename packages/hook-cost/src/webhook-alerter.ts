/** The JSON body of a threshold alert. */
export interface ThresholdAlert {
  message: string;
  details: { component: string; totalCost: number; threshold: number; model: string | null };
  /** ISO 8601. */
  timestamp: string;
}

/** How one alert delivery ended. */
export interface AlertDelivery {
  delivered: boolean;
  attempts: number;
  /** The last HTTP status, when the server answered. */
  status?: number;
  error?: string;
}

/** Options of `WebhookAlerter`. */
export interface WebhookAlerterOptions {
  url: string;
  timeoutMs: number;
  maxAttempts: number;
  retryDelayMs: number;
}

function retryable(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

/**
 * POSTs alerts off the caller's path: `send` returns at once and never throws; deliveries time out,
 * retry a bounded number of times with exponential backoff, and never reject unhandled.
 * `flush()` waits for every delivery in flight.
 */
export class WebhookAlerter {
  readonly #options: WebhookAlerterOptions;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(options: WebhookAlerterOptions) {
    this.#options = options;
  }

  /** Starts delivering `alert`; `onDone` hears how it ended. */
  send(alert: ThresholdAlert, onDone: (delivery: AlertDelivery) => void): void {
    const task = this.#deliver(alert)
      .then(onDone)
      .catch(() => {})
      .finally(() => this.#inFlight.delete(task));
    this.#inFlight.add(task);
  }

  /** Resolves when every delivery started so far has ended. */
  async flush(): Promise<void> {
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  async #deliver(alert: ThresholdAlert): Promise<AlertDelivery> {
    // Start on a later turn of the event loop: the first fetch() in a process loads its HTTP client
    // synchronously (~30 ms on Node 20), which must not land on the call that crossed the threshold.
    await new Promise((resolve) => setImmediate(resolve));
    const { url, timeoutMs, maxAttempts, retryDelayMs } = this.#options;
    const body = JSON.stringify(alert);
    let last: AlertDelivery = { delivered: false, attempts: 0 };
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) await new Promise((resolve) => setTimeout(resolve, retryDelayMs * 2 ** (attempt - 2)));
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        await response.body?.cancel().catch(() => {});
        if (response.ok) return { delivered: true, attempts: attempt, status: response.status };
        last = {
          delivered: false,
          attempts: attempt,
          status: response.status,
          error: `HTTP ${response.status}`,
        };
        if (!retryable(response.status)) return last;
      } catch (error) {
        const message =
          error instanceof Error && error.name === 'TimeoutError'
            ? `no answer within ${timeoutMs} ms`
            : error instanceof Error
              ? error.message
              : String(error);
        last = { delivered: false, attempts: attempt, error: message };
      }
    }
    return last;
  }
}
