/** One operation in progress for a cache key; the identical requests that arrive meanwhile wait on it. */
export interface Flight {
  readonly key: string;
}

interface FlightState extends Flight {
  readonly startedAt: number;
  settled: boolean;
  value: string | undefined;
  /** Resolvers of the calls waiting on this flight; created only when someone waits. */
  waiters: ((value: string | undefined) => void)[] | undefined;
}

/**
 * In-process single-flight: the first miss for a key starts a flight, identical misses wait for its result.
 * A flight ends with the stored value, with `undefined` when the first call failed, or with `undefined` once it
 * is older than `waitMs`; then the waiters run the operation themselves. Starting a flight costs no timer: a
 * timer exists only while a call waits, and flights abandoned without an end are pruned as new ones start.
 */
export class SingleFlight {
  readonly #waitMs: number;
  /** Insertion order is start order, so the flights past `waitMs` are always at the front. */
  readonly #flights = new Map<string, FlightState>();

  constructor(waitMs: number) {
    this.#waitMs = waitMs;
  }

  /** How many flights are in progress. */
  get size(): number {
    return this.#flights.size;
  }

  /** The flight in progress for `key`, if any (one older than `waitMs` is ended first, so the caller starts anew). */
  get(key: string): Flight | undefined {
    const flight = this.#flights.get(key);
    if (flight === undefined || Date.now() - flight.startedAt < this.#waitMs) return flight;
    this.settle(flight, undefined);
    return undefined;
  }

  /** Starts the flight for `key`; the caller must `settle` it. */
  start(key: string): Flight {
    const now = Date.now();
    this.#prune(now);
    const flight: FlightState = { key, startedAt: now, settled: false, value: undefined, waiters: undefined };
    this.#flights.set(key, flight);
    return flight;
  }

  /** Waits for `flight` to end, for its `waitMs` to pass, or for `signal` to abort (then `undefined`). */
  wait(flight: Flight, signal: AbortSignal): Promise<string | undefined> {
    const state = flight as FlightState;
    if (state.settled) return Promise.resolve(state.value);
    const remainingMs = state.startedAt + this.#waitMs - Date.now();
    if (remainingMs <= 0) {
      this.settle(state, undefined);
      return Promise.resolve(undefined);
    }
    if (signal.aborted) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const finish = (value: string | undefined) => {
        // A caller waits on this deadline, so it is not unref'd: it must hold the process until it passes.
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      };
      const onAbort = () => {
        const index = state.waiters?.indexOf(finish) ?? -1;
        if (index >= 0) state.waiters?.splice(index, 1);
        finish(undefined);
      };
      const timer = setTimeout(() => this.settle(state, undefined), remainingMs);
      signal.addEventListener('abort', onAbort, { once: true });
      state.waiters ??= [];
      state.waiters.push(finish);
    });
  }

  /** Ends `flight` with `value` (the stored entry) or `undefined` (the waiters run the operation themselves). */
  settle(flight: Flight, value: string | undefined): void {
    const state = flight as FlightState;
    if (state.settled) return;
    state.settled = true;
    state.value = value;
    if (this.#flights.get(state.key) === state) this.#flights.delete(state.key);
    const waiters = state.waiters;
    state.waiters = undefined;
    if (waiters) for (const resolve of waiters) resolve(value);
  }

  /** Ends every flight with `undefined`. */
  clear(): void {
    for (const flight of [...this.#flights.values()]) this.settle(flight, undefined);
  }

  /** Ends the flights that outlived `waitMs` without an After or Error point (for example a later hook cancelled). */
  #prune(now: number): void {
    for (const flight of this.#flights.values()) {
      if (now - flight.startedAt < this.#waitMs) return;
      this.settle(flight, undefined);
    }
  }
}
