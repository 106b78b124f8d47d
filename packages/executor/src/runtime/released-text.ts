/**
 * The `textStream` of an agent stream: released text, queued as the call produces it (a reader may be slower
 * than the stream, or stop reading), read once. Breaking out of the iteration ends the call early through
 * `onCancel`; the iteration's `return()` settles once the call has settled (after its cleanup).
 */
export class ReleasedText implements AsyncIterable<string> {
  readonly #queue: string[] = [];
  #head = 0;
  #end: { failed: boolean; error: unknown } | undefined;
  #waiter: { resolve(result: IteratorResult<string>): void; reject(error: unknown): void } | undefined;
  #taken = false;

  constructor(
    /** The reader gave up before the end; resolves once the call settled. */
    readonly onCancel: () => Promise<void>,
  ) {}

  push(text: string): void {
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      this.#waiter = undefined;
      waiter.resolve({ value: text, done: false });
    } else {
      this.#queue.push(text);
    }
  }

  /** The call ended: normally (`error` undefined) or with `error`, which the reader sees after the text before it. */
  close(failed: { error: unknown } | undefined): void {
    if (this.#end !== undefined) return;
    this.#end =
      failed === undefined ? { failed: false, error: undefined } : { failed: true, error: failed.error };
    const waiter = this.#waiter;
    if (waiter === undefined) return;
    this.#waiter = undefined;
    if (failed === undefined) waiter.resolve({ value: undefined, done: true });
    else waiter.reject(failed.error);
  }

  [Symbol.asyncIterator](): AsyncIterator<string> {
    if (this.#taken)
      throw new TypeError('An agent stream can be read once: its textStream was already iterated');
    this.#taken = true;
    return {
      next: () => this.#next(),
      return: async () => {
        this.#queue.length = 0;
        this.#head = 0;
        if (this.#end === undefined) await this.onCancel();
        return { value: undefined, done: true };
      },
    };
  }

  #next(): Promise<IteratorResult<string>> {
    if (this.#head < this.#queue.length) {
      const value = this.#queue[this.#head]!;
      this.#queue[this.#head++] = '';
      if (this.#head === this.#queue.length) {
        this.#queue.length = 0;
        this.#head = 0;
      }
      return Promise.resolve({ value, done: false });
    }
    const end = this.#end;
    if (end !== undefined) {
      return end.failed ? Promise.reject(end.error) : Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }
}
