/** Something in flight with a deadline (a `performance.now()` time) the watchdog enforces. */
export interface Deadline {
  deadlineAtMs: number;
  /** Position in the watchdog's heap; -1 when not watched. */
  heapIndex: number;
  /** Called once when the deadline passes while still watched. */
  expire(): void;
}

/** Timers fire on the event loop's cached clock, which can lag `performance.now()` by up to a millisecond. */
const TOLERANCE_MS = 1;

/**
 * One timer for every in-flight hook call of an executor: deadlines sit in a binary min-heap and a single
 * `setTimeout` is armed at the earliest. While anything is watched the timer keeps the process alive (a caller
 * is waiting on it); when nothing is, it is unref'd so an idle executor never holds the process open.
 */
export class Watchdog {
  readonly #heap: Deadline[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #armedAtMs = Number.POSITIVE_INFINITY;

  /** How many deadlines are being watched. */
  get size(): number {
    return this.#heap.length;
  }

  add(entry: Deadline): void {
    const heap = this.#heap;
    entry.heapIndex = heap.length;
    heap.push(entry);
    this.#siftUp(entry.heapIndex);
    if (entry.deadlineAtMs < this.#armedAtMs) this.#arm(entry.deadlineAtMs);
    else if (heap.length === 1) this.#timer?.ref();
  }

  remove(entry: Deadline): void {
    const index = entry.heapIndex;
    if (index < 0) return;
    entry.heapIndex = -1;
    const heap = this.#heap;
    const last = heap.pop()!;
    if (last !== entry) {
      heap[index] = last;
      last.heapIndex = index;
      this.#siftDown(index);
      this.#siftUp(last.heapIndex);
    }
  }

  /**
   * Called when a run finished: with nothing left to wait for, the armed timer may stay but must not hold the
   * process open. (Not done in `remove`, so a run of async hooks does not toggle the timer's ref per hook.)
   */
  release(): void {
    if (this.#heap.length === 0) this.#timer?.unref();
  }

  #arm(atMs: number): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    const delayMs = Math.max(1, Math.ceil(atMs - performance.now()));
    this.#armedAtMs = atMs;
    this.#timer = setTimeout(this.#fire, delayMs);
  }

  readonly #fire = (): void => {
    this.#timer = undefined;
    this.#armedAtMs = Number.POSITIVE_INFINITY;
    const heap = this.#heap;
    const nowMs = performance.now() + TOLERANCE_MS;
    while (heap.length > 0 && heap[0]!.deadlineAtMs <= nowMs) {
      const due = heap[0]!;
      this.remove(due);
      try {
        due.expire();
      } catch {
        // An expiry handler must not stop the others; the executor's handlers do not throw.
      }
    }
    if (heap.length > 0 && this.#timer === undefined) this.#arm(heap[0]!.deadlineAtMs);
  };

  #siftUp(start: number): void {
    const heap = this.#heap;
    let index = start;
    const entry = heap[index]!;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex]!;
      if (parent.deadlineAtMs <= entry.deadlineAtMs) break;
      heap[index] = parent;
      parent.heapIndex = index;
      index = parentIndex;
    }
    heap[index] = entry;
    entry.heapIndex = index;
  }

  #siftDown(start: number): void {
    const heap = this.#heap;
    const length = heap.length;
    let index = start;
    const entry = heap[index]!;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      const child = right < length && heap[right]!.deadlineAtMs < heap[left]!.deadlineAtMs ? right : left;
      const candidate = heap[child]!;
      if (candidate.deadlineAtMs >= entry.deadlineAtMs) break;
      heap[index] = candidate;
      candidate.heapIndex = index;
      index = child;
    }
    heap[index] = entry;
    entry.heapIndex = index;
  }
}
