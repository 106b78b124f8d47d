import { createRequire } from 'node:module';
import { consoleLogger, HookConfigError, type Logger } from '@llmspell/core';
import { describeRedisError } from './error-cause.js';
import { RedisUnavailableError } from './errors/redis-unavailable-error.js';
import { isRedisClient, type RedisClient } from './redis-client.js';
import type { RedisScript } from './redis-script.js';
import { ThrottledLog } from './throttled-log.js';

/** ioredis options (`RedisOptions`: host, port, username, password, tls, sentinels, name …). */
export type RedisClientOptions = object;

/**
 * What a Redis piece connects with: a `redis://` or `rediss://` URL, ioredis options (TLS, Sentinel …) — the
 * piece then owns the client and closes it — or your ioredis `Redis` or `Cluster` client, which stays yours.
 */
export type RedisConnectionInput = string | RedisClient | RedisClientOptions;

/** Options of `new RedisConnection()`. */
export interface RedisConnectionOptions {
  /** The piece that uses the connection, named in errors and logs (`'RedisCostStore'`). Required. */
  name: string;
  /** The longest one step waits for Redis, connecting included, in ms. Required. */
  commandTimeoutMs: number;
  /** TCP/TLS connect timeout of a client the connection creates, in ms. Default `max(commandTimeoutMs, 1_000)`. */
  connectTimeoutMs?: number;
  /** Where failures are logged (throttled per cause; a new cause is always logged). Default `consoleLogger('warn')`. */
  logger?: Logger;
  /** Least time between two log lines of one cause, in ms. Default 60_000. */
  logIntervalMs?: number;
  /** Close a client you passed in when the connection closes. Default false (a client created here is always closed). */
  closeClient?: boolean;
  /**
   * Replicas that must have a `write()` before it counts (Redis `WAIT`, sent in one pipeline with the write, given
   * half of `commandTimeoutMs`). WAIT holds up the connection it is sent on, so a client you pass is duplicated
   * (`client.duplicate()`, set up like a client created here, closed with the connection) and your own commands
   * never wait behind it.
   * Default 0: the master's answer is enough, and a write it acknowledged just before it died can be lost when a
   * replica takes over.
   */
  confirmReplicas?: number;
}

/** Statuses in which a client is on its way to `ready` and a command may wait (within its deadline). */
const CONNECTING = new Set(['wait', 'connecting', 'connect']);

type IoredisModule = { Redis: new (...args: unknown[]) => RedisClient };
let ioredis: IoredisModule | undefined;

/** ioredis, required on first use, so that a program that uses only memory stores never loads it. */
function loadIoredis(name: string): IoredisModule {
  if (ioredis) return ioredis;
  try {
    ioredis = createRequire(import.meta.url)('ioredis') as IoredisModule;
  } catch (error) {
    throw new HookConfigError(name, [
      {
        path: '/connection',
        message: `needs the ioredis package for a Redis URL or options: install it (npm install ioredis) — ${describeRedisError(error)}`,
      },
    ]);
  }
  return ioredis;
}

function noop(): void {}

/**
 * An ioredis client for a URL or ioredis options, set up for bounded waits: lazy, no offline queue, no resend
 * after a reconnect, background reconnects 100 ms … 1 s apart, and a socket that keeps no process alive.
 */
export function createRedisClient(
  input: string | RedisClientOptions,
  options: { name: string; connectTimeoutMs: number },
): RedisClient {
  const { name, connectTimeoutMs } = options;
  if (typeof input !== 'string' && (typeof input !== 'object' || input === null)) {
    throw new HookConfigError(name, [
      {
        path: '/connection',
        message: `must be a redis:// or rediss:// URL, ioredis options or an ioredis Redis or Cluster client, got ${input === null ? 'null' : typeof input}`,
      },
    ]);
  }
  const { Redis } = loadIoredis(name);
  const forced = {
    lazyConnect: true,
    // Nothing waits for a dead Redis: a command either goes out now or fails now.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // A command resent after a reconnect could count a call twice after its caller was answered.
    autoResendUnfulfilledCommands: false,
    connectTimeout: connectTimeoutMs,
    retryStrategy: (attempt: number) => Math.min(attempt * 100, 1_000),
  };
  const client = typeof input === 'string' ? new Redis(input, forced) : new Redis({ ...input, ...forced });
  // An idle connection must not keep the process alive; a waiting step's deadline timer does.
  client.on('connect', () => (client as { stream?: { unref?: () => void } }).stream?.unref?.());
  return client;
}

/**
 * A copy of a client you passed, for confirmed writes: its options, but no offline queue and nothing resent after
 * a reconnect, as a client created here. ioredis resends a pipeline's unanswered commands without writing them
 * all to the socket, after which every reply on that connection goes to the wrong command.
 */
function duplicateForWrites(client: RedisClient, duplicate: (...args: unknown[]) => unknown): RedisClient {
  const noResend = { autoResendUnfulfilledCommands: false };
  if (client.isCluster) {
    const { redisOptions } = (client as { options?: { redisOptions?: object } }).options ?? {};
    return duplicate.call(client, [], {
      enableOfflineQueue: false,
      redisOptions: { ...redisOptions, ...noResend },
    }) as RedisClient;
  }
  return duplicate.call(client, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    ...noResend,
  }) as RedisClient;
}

/**
 * One Redis connection of a llmspell piece: it owns the client it created from a URL or options (and closes it)
 * and borrows yours (never closed). Every step — a command or a script, waiting for a connection included —
 * ends within `commandTimeoutMs`; an owned client queues nothing while disconnected and reconnects in the
 * background. Failures carry their real cause (WRONGPASS, NOPERM, TLS, MOVED …) and are logged, throttled.
 */
export class RedisConnection {
  /** The ioredis client. */
  readonly client: RedisClient;
  /** True when `close()` closes the client: one the connection created, or yours with `closeClient`. */
  readonly ownsClient: boolean;
  /** The longest one step waits for Redis, in ms. */
  readonly commandTimeoutMs: number;
  readonly #name: string;
  readonly #log: ThrottledLog;
  /** The client times its own commands out within `commandTimeoutMs`: no timer of ours needed when ready. */
  readonly #clientBoundsCommands: boolean;
  readonly #onError: (error: unknown) => void;
  readonly #onReady: () => void;
  readonly #confirmReplicas: number;
  /** `WAIT`'s own timeout: half the deadline, so the server answers "not confirmed" before the client gives up. */
  readonly #confirmWaitMs: number;
  #lastCause: string | undefined;
  /** Confirmed-write pipelines sent, for their `ECHO` tokens. */
  #pipelines = 0;
  #failedSinceReady = false;
  #readyWait: Promise<void> | undefined;
  #closed = false;

  constructor(input: RedisConnectionInput, options: RedisConnectionOptions) {
    const { name, commandTimeoutMs, logger = consoleLogger('warn'), logIntervalMs = 60_000 } = options;
    const { connectTimeoutMs = Math.max(commandTimeoutMs, 1_000), confirmReplicas = 0 } = options;
    this.#name = name;
    this.commandTimeoutMs = commandTimeoutMs;
    this.#confirmReplicas = confirmReplicas;
    this.#confirmWaitMs = Math.max(1, Math.floor(commandTimeoutMs / 2));
    this.#log = new ThrottledLog(logger, logIntervalMs);
    if (isRedisClient(input) && confirmReplicas > 0) {
      // WAIT blocks the connection it is sent on: your other commands must not queue behind it.
      const { duplicate, pipeline } = input as {
        duplicate?: (...args: unknown[]) => unknown;
        pipeline?: unknown;
      };
      if (typeof duplicate !== 'function' || typeof pipeline !== 'function') {
        throw new HookConfigError(name, [
          {
            path: '/confirmReplicas',
            message: 'needs a client with pipeline() and duplicate() (an ioredis Redis or Cluster)',
          },
        ]);
      }
      this.client = duplicateForWrites(input, duplicate);
      this.ownsClient = true;
    } else if (isRedisClient(input)) {
      this.client = input;
      this.ownsClient = options.closeClient ?? false;
    } else {
      this.client = createRedisClient(input, { name, connectTimeoutMs });
      this.ownsClient = true;
    }
    const timeout = (this.client as { options?: { commandTimeout?: unknown } }).options?.commandTimeout;
    this.#clientBoundsCommands = typeof timeout === 'number' && timeout <= commandTimeoutMs;
    this.#onError = (error: unknown) => {
      this.#failedSinceReady = true;
      this.#lastCause = describeRedisError(error);
      this.#log.warn(this.#lastCause, { redis: this.#name }, `${this.#name}: Redis connection failed`);
    };
    this.#onReady = () => {
      this.#failedSinceReady = false;
    };
    // Without an error listener ioredis prints every failure; causes are logged here, throttled.
    this.client.on('error', this.#onError);
    this.client.on('node error', this.#onError);
    this.client.on('ready', this.#onReady);
  }

  /** True for an ioredis `Cluster` client. */
  get isCluster(): boolean {
    return this.client.isCluster === true;
  }

  /** The last connection error, in one line (WRONGPASS …, ECONNREFUSED …), or undefined. */
  get lastCause(): string | undefined {
    return this.#lastCause;
  }

  /** Starts connecting a client that has not connected yet (lazy); never rejects. */
  connect(): void {
    if (this.client.status === 'wait') this.client.connect().catch(noop);
  }

  /** Resolves true when the client is ready, false after `timeoutMs` or a failed attempt; never rejects. */
  async waitUntilReady(timeoutMs: number): Promise<boolean> {
    const { client } = this;
    if (client.status === 'ready') return true;
    if (this.#closed) return false;
    let timer: NodeJS.Timeout | undefined;
    let onReady: (() => void) | undefined;
    const ready = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
      onReady = () => resolve(true);
      client.on('ready', onReady);
    });
    this.connect();
    try {
      return await ready;
    } finally {
      clearTimeout(timer);
      client.off('ready', onReady!);
    }
  }

  /** Runs one command within `commandTimeoutMs` (waiting for a connection included). */
  command(operation: string, command: string, args: (string | number)[]): Promise<unknown> {
    const { client } = this;
    if (client.status === 'ready' && !this.#closed) {
      return this.#bounded(operation, client.call(command, args));
    }
    return this.#afterReady(operation, () => client.call(command, args));
  }

  /** Runs a Lua script within `commandTimeoutMs`: EVALSHA, and EVAL when the server's script cache was flushed. */
  script(
    operation: string,
    script: RedisScript,
    keys: string[],
    args: (string | number)[],
  ): Promise<unknown> {
    if (this.client.status === 'ready' && !this.#closed) {
      return this.#bounded(operation, this.#evaluate(script, keys, args));
    }
    return this.#afterReady(operation, () => this.#evaluate(script, keys, args));
  }

  /**
   * Runs a Lua script that writes, within `commandTimeoutMs`. With `confirmReplicas`, `WAIT` follows it in one
   * pipeline to the same master, and the write counts only once that many replicas have it: otherwise it fails
   * with a `RedisUnavailableError`, though it may have been applied — make such writes safe to repeat.
   * Without `confirmReplicas`, the same as `script()`.
   */
  write(operation: string, script: RedisScript, keys: string[], args: (string | number)[]): Promise<unknown> {
    if (this.#confirmReplicas === 0) return this.script(operation, script, keys, args);
    if (this.client.status === 'ready' && !this.#closed) {
      return this.#bounded(operation, this.#confirmed(operation, script, keys, args));
    }
    return this.#afterReady(operation, () => this.#confirmed(operation, script, keys, args));
  }

  /** `error` as the piece's failure: a `RedisUnavailableError` whose message is the real cause. Logged, throttled. */
  failure(operation: string, error: unknown): RedisUnavailableError {
    const failure = RedisUnavailableError.isInstance(error)
      ? (error as RedisUnavailableError)
      : new RedisUnavailableError(operation, `Redis ${operation} failed: ${describeRedisError(error)}`, {
          cause: error,
        });
    this.#log.warn(
      failure.message,
      { redis: this.#name, operation },
      `${this.#name}: Redis ${operation} failed`,
    );
    return failure;
  }

  /** Closes a client the connection created (QUIT, bounded, then disconnect); a borrowed client is only unhooked. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const { client } = this;
    if (!this.ownsClient) {
      client.off('error', this.#onError);
      client.off('node error', this.#onError);
      client.off('ready', this.#onReady);
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const bounded = (work: Promise<unknown>) =>
      Promise.race([
        work,
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, this.commandTimeoutMs);
        }),
      ]).finally(() => clearTimeout(timer));
    if (client.status === 'ready') await bounded(client.quit().catch(noop));
    // Between reconnect attempts there is no socket to close: disconnect() only cancels the next attempt.
    if (client.status === 'end' || client.status === 'reconnecting' || client.status === 'wait') {
      client.disconnect();
      return;
    }
    const ended = new Promise<void>((resolve) => client.on('end', () => resolve()));
    client.disconnect();
    await bounded(ended);
  }

  async #evaluate(script: RedisScript, keys: string[], args: (string | number)[]): Promise<unknown> {
    const { client } = this;
    try {
      return await client.call('EVALSHA', [script.sha, keys.length, ...keys, ...args]);
    } catch (error) {
      // After a restart or SCRIPT FLUSH the server has no cached scripts: EVAL runs it and caches it again.
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return client.call('EVAL', [script.source, keys.length, ...keys, ...args]);
    }
  }

  async #confirmed(
    operation: string,
    script: RedisScript,
    keys: string[],
    args: (string | number)[],
  ): Promise<unknown> {
    let replies = await this.#scriptAndWait(['evalsha', script.sha], keys, args);
    let scriptError = replies[0][0];
    if (scriptError?.message.startsWith('MOVED')) {
      // A Cluster client follows MOVED for single commands, not for a pipeline with a keyless WAIT: the script did
      // not run, so learn the new slot map and send it once more.
      await this.#refreshSlots();
      replies = await this.#scriptAndWait(['evalsha', script.sha], keys, args);
      scriptError = replies[0][0];
    }
    if (scriptError?.message.startsWith('NOSCRIPT')) {
      replies = await this.#scriptAndWait(['eval', script.source], keys, args);
      scriptError = replies[0][0];
    }
    const [[, result], [waitError, confirmed]] = replies;
    if (scriptError) {
      if (/^(MOVED|ASK|CLUSTERDOWN|TRYAGAIN)/.test(scriptError.message)) void this.#refreshSlots();
      throw scriptError;
    }
    if (waitError) throw waitError;
    if (typeof confirmed !== 'number' || confirmed < this.#confirmReplicas) {
      throw new RedisUnavailableError(
        operation,
        `Redis ${operation} was not confirmed by ${this.#confirmReplicas} replica(s) within ${this.#confirmWaitMs} ms ` +
          `(${String(confirmed)} did), so it counts as failed: a failover could lose it. Check the master's replicas ` +
          '(INFO replication) or lower confirmReplicas',
      );
    }
    return result;
  }

  /**
   * The script (`[evalsha, sha]` or `[eval, source]`), `WAIT` and an `ECHO` of a token of this pipeline, in one
   * pipeline: [[error, reply], [error, replicas]]. The token proves the replies are this pipeline's own: after some
   * reconnects ioredis matches a connection's replies to the wrong commands, and a WAIT reply of another write must
   * never confirm this one. Out of step, the connection is dropped and made again, and the write fails.
   */
  async #scriptAndWait(
    [command, body]: [string, string],
    keys: string[],
    args: (string | number)[],
  ): Promise<[[Error | null, unknown], [Error | null, unknown]]> {
    const token = `llmspell:${++this.#pipelines}`;
    const replies = await this.client
      .pipeline([
        [command, body, keys.length, ...keys, ...args],
        ['wait', this.#confirmReplicas, this.#confirmWaitMs],
        ['echo', token],
      ])
      .exec();
    if (replies?.length !== 3) throw new Error('Redis discarded the pipeline of a confirmed write');
    const [echoError, echo] = replies[2]!;
    // Without the token back, nothing in this answer can be trusted to be this write's.
    if (echoError) throw echoError;
    if (echo !== token) {
      this.client.disconnect(true);
      throw new Error('Redis replies came out of step with the commands; reconnecting');
    }
    return [replies[0]!, replies[1]!];
  }

  /** Asks a Cluster client to reload its slot map; resolves when it did (or at once for a single server). */
  #refreshSlots(): Promise<void> {
    const client = this.client as { refreshSlotsCache?: (callback?: (error?: unknown) => void) => void };
    if (typeof client.refreshSlotsCache !== 'function') return Promise.resolve();
    return new Promise((resolve) => client.refreshSlotsCache!(() => resolve()));
  }

  /** Waits for the connection (within the deadline), then sends; nothing is sent once the deadline passed. */
  #afterReady(operation: string, send: () => Promise<unknown>): Promise<unknown> {
    let expired = false;
    const work = this.#whenReady(operation).then(() => {
      // The caller has been answered: a command sent now would act (count, charge) after its decision.
      if (expired) throw new RedisUnavailableError(operation, 'Redis became ready after the deadline');
      return send();
    });
    return this.#bounded(operation, work, () => {
      expired = true;
    });
  }

  #whenReady(operation = 'connect'): Promise<void> {
    const { client } = this;
    if (this.#closed) {
      return Promise.reject(
        new RedisUnavailableError(operation, `${this.#name} is closed; create a new one to use Redis again`),
      );
    }
    const { status } = client;
    if (status === 'ready') return Promise.resolve();
    if (!CONNECTING.has(status) || (this.#failedSinceReady && status !== 'wait')) {
      return Promise.reject(this.#notConnected(operation));
    }
    if (this.#readyWait) return this.#readyWait;
    const wait = new Promise<void>((resolve, reject) => {
      const settle = () => {
        client.off('ready', onReady);
        client.off('close', onClose);
        client.off('end', onClose);
        this.#readyWait = undefined;
      };
      const onReady = () => {
        settle();
        resolve();
      };
      const onClose = () => {
        settle();
        reject(this.#notConnected(operation));
      };
      client.on('ready', onReady);
      client.on('close', onClose);
      client.on('end', onClose);
    });
    wait.catch(noop);
    this.#readyWait = wait;
    this.connect();
    return wait;
  }

  #notConnected(operation: string): RedisUnavailableError {
    const cause = this.#lastCause ?? 'no error reported yet';
    return new RedisUnavailableError(
      operation,
      `Redis is not connected (status '${this.client.status}'): ${cause}`,
    );
  }

  #bounded(operation: string, work: Promise<unknown>, onExpire?: () => void): Promise<unknown> {
    if (this.#clientBoundsCommands && onExpire === undefined) {
      return work.catch((error: unknown) => {
        throw this.failure(operation, error);
      });
    }
    return new Promise((resolve, reject) => {
      // Not unref'd: a caller is waiting on it.
      const timer = setTimeout(() => {
        onExpire?.();
        reject(this.failure(operation, this.#timedOut(operation)));
      }, this.commandTimeoutMs);
      work.then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(this.failure(operation, error));
        },
      );
    });
  }

  #timedOut(operation: string): RedisUnavailableError {
    const { status } = this.client;
    const where =
      status === 'ready' ? '' : ` (status '${status}'${this.#lastCause ? `: ${this.#lastCause}` : ''})`;
    return new RedisUnavailableError(
      operation,
      `Redis did not answer ${operation} within ${this.commandTimeoutMs} ms${where}; check the server's health and address, or raise the timeout`,
    );
  }
}
