import { MAX_TIMER_MS } from '@llmspell/core';

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

/** Where to POST, without credentials, and the credentials as a header (fetch refuses them in a URL). */
interface Target {
  url: string;
  headers: Record<string, string>;
  /** The credentials as written, to scrub them from any message a failure produces. */
  secrets: string[];
}

/**
 * Splits `user:password@` off the URL: the request sends them as HTTP Basic authorization, and messages name
 * the URL without them. (Node's fetch rejects a URL with credentials with an error that quotes it whole.)
 */
function targetOf(url: string): Target {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url, headers, secrets: [] };
  }
  const { username, password } = parsed;
  if (username === '' && password === '') return { url, headers, secrets: [] };
  const credentials = `${decodeURIComponent(username)}:${decodeURIComponent(password)}`;
  headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
  parsed.username = '';
  parsed.password = '';
  const secrets = [username, password, decodeURIComponent(username), decodeURIComponent(password)].filter(
    (secret) => secret.length > 0,
  );
  return { url: parsed.href, headers, secrets };
}

/** `text` with every credential replaced by `[REDACTED]`. */
function scrub(text: string, secrets: readonly string[]): string {
  let scrubbed = text;
  for (const secret of secrets) scrubbed = scrubbed.split(secret).join('[REDACTED]');
  return scrubbed;
}

/**
 * POSTs alerts off the caller's path: `send` returns at once and never throws; deliveries time out,
 * retry a bounded number of times with exponential backoff, and never reject unhandled. Redirects are not
 * followed (a 3xx answer is a failed delivery), and credentials in the URL go in an Authorization header,
 * never into an error message. `flush()` waits for every delivery in flight.
 */
export class WebhookAlerter {
  readonly #options: WebhookAlerterOptions;
  readonly #target: Target;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(options: WebhookAlerterOptions) {
    this.#options = options;
    this.#target = targetOf(options.url);
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
    const { timeoutMs, maxAttempts, retryDelayMs } = this.#options;
    const { url, headers, secrets } = this.#target;
    const body = JSON.stringify(alert);
    let last: AlertDelivery = { delivered: false, attempts: 0 };
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      if (attempt > 1) {
        // Doubling must not pass the longest delay a timer can wait (a longer one fires after 1 ms).
        const delayMs = Math.min(retryDelayMs * 2 ** (attempt - 2), MAX_TIMER_MS);
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers,
          body,
          // A redirect could send the alert (and its Authorization header) somewhere the operator never named.
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        });
        await response.body?.cancel().catch(() => {});
        if (response.ok) return { delivered: true, attempts: attempt, status: response.status };
        if (response.status >= 300 && response.status < 400) {
          return {
            delivered: false,
            attempts: attempt,
            status: response.status,
            error: `HTTP ${response.status}: the webhook answered with a redirect, which is not followed; configure the final URL`,
          };
        }
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
        last = { delivered: false, attempts: attempt, error: scrub(message, secrets) };
      }
    }
    return last;
  }
}
