import { describeValue } from '@llmspell/core';
import { Redis, type RedisOptions } from 'ioredis';
import type {
  CostScope,
  CostStore,
  RecordOutcome,
  ReservationOutcome,
  ReservationRequest,
  StoredTotals,
  UsageRecord,
} from './cost-store.js';
import { CostStoreError } from './errors/cost-store-error.js';
import {
  type LuaScript,
  recordScript,
  releaseScript,
  reserveScript,
  TOTALS_FIELDS,
} from './redis-scripts.js';
import { validateOptions } from './validate-options.js';

/** Options of `RedisCostStore`. */
export interface RedisCostStoreOptions {
  /** Prefix of every key the store writes. Default `'llmspell:cost:'`. */
  keyPrefix?: string;
  /** How long one command may take before it counts as failed. Default 500 ms. */
  commandTimeoutMs?: number;
  /** How long the first command waits for the first connection. Default 2000 ms. */
  connectTimeoutMs?: number;
  /** How long a record id is remembered so a replayed record is applied once. Default 600_000 ms (10 min). */
  recordIdTtlMs?: number;
}

/** What `RedisCostStore` connects with: a URL, an ioredis client (yours; never closed), or ioredis options. */
export type RedisConnection = string | Redis | RedisOptions;

const optionsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    keyPrefix: { type: 'string' },
    commandTimeoutMs: { type: 'integer', minimum: 1 },
    connectTimeoutMs: { type: 'integer', minimum: 1 },
    recordIdTtlMs: { type: 'integer', minimum: 1 },
  },
} as const;

const MICRO = 1_000_000n;

function isClient(connection: RedisConnection): connection is Redis {
  return (
    typeof connection === 'object' &&
    typeof (connection as Redis).evalsha === 'function' &&
    typeof (connection as Redis).status === 'string'
  );
}

/** `pico` as [whole micro-dollars, pico remainder] (pico ≥ 0). */
function split(pico: bigint): [string, string] {
  return [(pico / MICRO).toString(), (pico % MICRO).toString()];
}

function toTotals(reply: unknown): StoredTotals {
  const [calls, inputTokens, outputTokens, unpricedCalls, micro, remainder] = (reply ?? []) as (
    | string
    | null
  )[];
  return {
    calls: Number(calls ?? 0),
    inputTokens: Number(inputTokens ?? 0),
    outputTokens: Number(outputTokens ?? 0),
    unpricedCalls: Number(unpricedCalls ?? 0),
    costPicoUsd: BigInt(micro ?? 0) * MICRO + BigInt(remainder ?? 0),
  };
}

/**
 * Totals in Redis, shared by every process that uses the same keys. Each update is one Lua script
 * (atomic): integer HINCRBY on micro-dollars plus a pico-dollar remainder, so sums are exact. The client
 * queues nothing while disconnected (`enableOfflineQueue: false`) and every command has a timeout, so a
 * down or hung Redis fails fast with `CostStoreError` instead of stalling the caller.
 */
export class RedisCostStore implements CostStore {
  readonly #client: Redis;
  readonly #ownsClient: boolean;
  readonly #prefix: string;
  readonly #commandTimeoutMs: number;
  readonly #connectTimeoutMs: number;
  readonly #recordIdTtlMs: number;
  #wasReady = false;
  #firstConnection: Promise<void> | undefined;
  #closed = false;

  constructor(connection: RedisConnection, options: RedisCostStoreOptions = {}) {
    const connectionIssues =
      typeof connection === 'string' || (typeof connection === 'object' && connection !== null)
        ? []
        : [
            {
              path: '/connection',
              message: `must be a Redis URL, an ioredis client or ioredis options, got ${describeValue(connection)}`,
            },
          ];
    validateOptions('RedisCostStore', optionsSchema, options, () => connectionIssues);
    const {
      keyPrefix = 'llmspell:cost:',
      commandTimeoutMs = 500,
      connectTimeoutMs = 2_000,
      recordIdTtlMs = 600_000,
    } = options;
    this.#prefix = keyPrefix;
    this.#commandTimeoutMs = commandTimeoutMs;
    this.#connectTimeoutMs = connectTimeoutMs;
    this.#recordIdTtlMs = recordIdTtlMs;
    if (isClient(connection)) {
      this.#client = connection;
      this.#ownsClient = false;
    } else {
      const forced: RedisOptions = {
        lazyConnect: true,
        enableOfflineQueue: false,
        commandTimeout: commandTimeoutMs,
        connectTimeout: connectTimeoutMs,
        maxRetriesPerRequest: 1,
      };
      this.#client =
        typeof connection === 'string'
          ? new Redis(connection, forced)
          : new Redis({ ...connection, ...forced });
      this.#ownsClient = true;
      // Failures surface through the commands that fail; without a listener ioredis would print each one.
      this.#client.on('error', () => {});
    }
    this.#client.on('ready', () => {
      this.#wasReady = true;
    });
    if (this.#client.status === 'ready') this.#wasReady = true;
  }

  async record(usage: UsageRecord): Promise<RecordOutcome> {
    const hasUser = usage.userId !== undefined;
    const keys = [
      this.#key('record', usage.id),
      ...this.#scopeKeys('component', usage.component),
      this.#key('names', 'component'),
    ];
    if (hasUser) keys.push(...this.#scopeKeys('user', usage.userId!), this.#key('names', 'user'));
    const [micro, remainder] = split(usage.costPicoUsd ?? 0n);
    const reply = (await this.#eval(recordScript, keys, [
      String(this.#recordIdTtlMs),
      usage.component,
      usage.userId ?? '',
      String(usage.inputTokens),
      String(usage.outputTokens),
      usage.costPicoUsd === null ? '0' : '1',
      micro,
      remainder,
      usage.reservationId ?? '',
      hasUser ? '1' : '0',
    ])) as [number, unknown, unknown?];
    return {
      applied: reply[0] === 1,
      component: toTotals(reply[1]),
      user: hasUser ? toTotals(reply[2]) : undefined,
    };
  }

  async reserve(request: ReservationRequest): Promise<ReservationOutcome> {
    if (request.checks.length === 0) return { admitted: true };
    const keys = request.checks.flatMap((check) => this.#scopeKeys(check.scope, check.name));
    const args = [request.id, ...split(request.amountPicoUsd), String(request.ttlMs)];
    for (const check of request.checks) args.push(...split(check.budgetPicoUsd));
    const reply = (await this.#eval(reserveScript, keys, args)) as [number, number?, string?, number?];
    if (reply[0] === 1) return { admitted: true };
    return {
      admitted: false,
      check: request.checks[(reply[1] ?? 1) - 1]!,
      committedPicoUsd: BigInt(reply[2] ?? '0') * MICRO + BigInt(reply[3] ?? 0),
    };
  }

  async release(reservationId: string, component: string, userId?: string): Promise<void> {
    const keys = this.#scopeKeys('component', component);
    if (userId !== undefined) keys.push(...this.#scopeKeys('user', userId));
    await this.#eval(releaseScript, keys, [reservationId]);
  }

  async totals(scope: CostScope, name: string): Promise<StoredTotals> {
    const client = await this.#ready();
    const reply = await this.#bounded(client.hmget(this.#key('totals', scope, name), ...TOTALS_FIELDS));
    return toTotals(reply);
  }

  async names(scope: CostScope): Promise<string[]> {
    const client = await this.#ready();
    return (await this.#bounded(client.smembers(this.#key('names', scope)))).sort();
  }

  /** Closes the connection when the store opened it; a client you passed stays open. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (!this.#ownsClient) return;
    if (this.#client.status === 'ready') {
      await this.#client.quit().catch(() => this.#client.disconnect());
    } else {
      this.#client.disconnect();
    }
  }

  #key(...parts: string[]): string {
    return this.#prefix + parts.join(':');
  }

  #scopeKeys(scope: CostScope, name: string): string[] {
    return [
      this.#key('totals', scope, name),
      this.#key('reserved', scope, name),
      this.#key('expiry', scope, name),
    ];
  }

  async #ready(): Promise<Redis> {
    if (this.#closed)
      throw new CostStoreError('This RedisCostStore is closed; create a new one to use Redis again');
    const client = this.#client;
    if (client.status === 'ready') return client;
    if (client.status === 'wait') client.connect().catch(() => {});
    const firstConnection =
      client.status === 'wait' || client.status === 'connecting' || client.status === 'connect';
    if (this.#wasReady || !firstConnection) {
      throw new CostStoreError(
        `Redis is not connected (status '${client.status}'); the client reconnects in the background`,
      );
    }
    this.#firstConnection ??= new Promise<void>((resolve, reject) => {
      const onReady = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        client.off('ready', onReady);
        reject(
          new CostStoreError(
            `Redis did not accept a connection within ${this.#connectTimeoutMs} ms; check that it runs and the URL`,
          ),
        );
      }, this.#connectTimeoutMs);
      client.once('ready', onReady);
    }).finally(() => {
      this.#firstConnection = undefined;
    });
    await this.#firstConnection;
    return client;
  }

  async #eval(script: LuaScript, keys: string[], args: string[]): Promise<unknown> {
    const client = await this.#ready();
    const run = async () => {
      try {
        return await client.evalsha(script.sha, keys.length, ...keys, ...args);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return client.eval(script.source, keys.length, ...keys, ...args);
      }
    };
    return this.#bounded(run());
  }

  /** `command`, failing with `CostStoreError` after `commandTimeoutMs` (the caller is waiting: not unref'd). */
  async #bounded<T>(command: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new CostStoreError(`Redis did not answer within ${this.#commandTimeoutMs} ms`)),
        this.#commandTimeoutMs,
      );
    });
    try {
      return await Promise.race([command, timeout]);
    } catch (error) {
      if (CostStoreError.isInstance(error)) throw error;
      throw new CostStoreError(
        `Redis command failed: ${error instanceof Error ? error.message : String(error)}`,
        {
          cause: error,
        },
      );
    } finally {
      clearTimeout(timer);
    }
  }
}
