import type { Logger } from '@llmspell/core';
import { MAX_TIMER_MS } from '@llmspell/core';
import { RedisConnection as Connection, hashTag, type RedisConnectionInput } from '@llmspell/redis';
import type { PeriodRef } from './budget-period.js';
import { storedCostName, storedRecordNames } from './cost-name.js';
import type {
  CostScope,
  CostStore,
  NamesPage,
  RecordOutcome,
  ReservationOutcome,
  ReservationRequest,
  StoredTotals,
  TotalsPage,
  UsageRecord,
} from './cost-store.js';
import { CostStoreError } from './errors/cost-store-error.js';
import { recordScript, releaseScript, reserveScript, TOTALS_FIELDS } from './redis-scripts.js';
import { validateOptions } from './validate-options.js';

/** Options of `RedisCostStore`. */
export interface RedisCostStoreOptions {
  /** Prefix of every key the store writes. Default `'llmspell:cost:'`. */
  keyPrefix?: string;
  /** The longest one step (a record, a budget check, a read) waits for Redis, connecting included. Default 500 ms. */
  commandTimeoutMs?: number;
  /** TCP/TLS connect timeout of a client the store creates. Default 2000 ms. */
  connectTimeoutMs?: number;
  /** How long a record id is remembered at least (at most twice this) so a replayed record is applied once. Default 600_000 ms (10 min). */
  recordIdTtlMs?: number;
  /** Where Redis failures are logged, at most once a minute per cause (a new cause at once). Default `consoleLogger('warn')`. */
  logger?: Logger;
  /**
   * Replicas that must have a write (record, reservation, release) before it counts: Redis `WAIT`, in one
   * pipeline with the write, given half of `commandTimeoutMs`. An unconfirmed record fails and the hook replays
   * it (record ids make that safe), so totals survive a failover exactly. Costs a replica round trip per write,
   * and a master without enough live replicas fails every write. Default 0 (the master's answer counts).
   */
  confirmReplicas?: number;
}

/**
 * What `RedisCostStore` connects with: a URL, ioredis options (TLS, Sentinel), or your ioredis `Redis` or
 * `Cluster` client of ioredis 5 or 6 (yours; never closed).
 */
export type RedisConnection = RedisConnectionInput;

const optionsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    keyPrefix: { type: 'string' },
    commandTimeoutMs: { type: 'integer', minimum: 1, maximum: MAX_TIMER_MS },
    connectTimeoutMs: { type: 'integer', minimum: 1, maximum: MAX_TIMER_MS },
    recordIdTtlMs: { type: 'integer', minimum: 1 },
    logger: { type: 'object' },
    confirmReplicas: { type: 'integer', minimum: 0, maximum: 16 },
  },
} as const;

const MICRO = 1_000_000n;
/** The largest amount one record or reservation may carry: $1e9, 15 digits of micro-dollars (see redis-scripts.ts). */
const MAX_AMOUNT_PICO_USD = 10n ** 15n * MICRO - 1n;
/** Names-index shards per scope: the index spreads over this many Cluster slots. */
const NAME_SHARDS = 16;
/** Names one `SSCAN` step asks for. */
const SCAN_COUNT = 1_000;

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

/** A small, stable string hash (FNV-1a) that picks a name's index shard. */
function shardOf(name: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < name.length; index++) {
    hash ^= name.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % NAME_SHARDS;
}

function checkAmount(what: string, pico: bigint): void {
  if (pico < 0n || pico > MAX_AMOUNT_PICO_USD) {
    throw new CostStoreError(
      `${what} of ${pico} pico-dollars is out of range (0 to $1e9); nothing was written`,
    );
  }
}

/**
 * Totals in Redis, shared by every process that uses the same keys, on a single server, Sentinel or a Redis
 * Cluster. Each scope (a component, a user) keeps its keys under one hash tag, and every update of a scope is
 * one Lua script (atomic): integer HINCRBY on micro-dollars plus a pico-dollar remainder, so sums are exact.
 * A record or budget check that covers a component and a user runs one script per scope, at once. Every step
 * waits for Redis at most `commandTimeoutMs`, connecting included, and fails with the real cause.
 */
export class RedisCostStore implements CostStore {
  readonly keepsPeriods = true;
  readonly takesStoredNames = true;
  readonly #connection: Connection;
  readonly #prefix: string;
  readonly #recordIdTtlArgument: string;

  constructor(connection: RedisConnection, options: RedisCostStoreOptions = {}) {
    validateOptions('RedisCostStore', optionsSchema, options, () => []);
    const {
      keyPrefix = 'llmspell:cost:',
      commandTimeoutMs = 500,
      connectTimeoutMs = 2_000,
      recordIdTtlMs = 600_000,
      logger,
      confirmReplicas = 0,
    } = options;
    this.#prefix = keyPrefix;
    this.#recordIdTtlArgument = String(recordIdTtlMs);
    this.#connection = new Connection(connection, {
      name: 'RedisCostStore',
      commandTimeoutMs,
      connectTimeoutMs,
      confirmReplicas,
      ...(logger === undefined ? {} : { logger }),
    });
  }

  async record(usage: UsageRecord): Promise<RecordOutcome> {
    const cost = usage.costPicoUsd ?? 0n;
    checkAmount('A record', cost);
    for (const count of [usage.inputTokens, usage.outputTokens]) {
      if (!Number.isSafeInteger(count) || count < 0 || count >= 1e15) {
        throw new CostStoreError(
          `A token count of ${count} is out of range (0 to 1e15); nothing was written`,
        );
      }
    }
    const [micro, remainder] = split(cost);
    const args = [
      usage.id,
      this.#recordIdTtlArgument,
      String(usage.inputTokens),
      String(usage.outputTokens),
      usage.costPicoUsd === null ? '0' : '1',
      micro,
      remainder,
      usage.reservationId ?? '',
    ];
    const { period } = usage;
    if (period !== undefined) args.push(String(period.keepUntilMs));
    // Keys and the names index hold the stored name: a caller's 100 KB user id costs a 71-character name.
    const names = storedRecordNames(usage);
    const scopes: [CostScope, string][] = [['component', names.component]];
    if (names.userId !== undefined) scopes.push(['user', names.userId]);
    const replies = await this.#step(
      'record',
      scopes.flatMap(([scope, name]) => [
        this.#connection.write('record', recordScript, this.#recordKeys(scope, name, period), args),
        // The names index is a set per shard (another slot): adding is idempotent and runs beside the script.
        this.#connection.command('record', 'SADD', [this.#namesKey(scope, shardOf(name)), name]),
      ]),
    );
    const component = replies[0] as [number, unknown];
    const user = replies[2] as [number, unknown] | undefined;
    return {
      applied: component[0] === 1 || user?.[0] === 1,
      component: toTotals(component[1]),
      user: user ? toTotals(user[1]) : undefined,
    };
  }

  async reserve(request: ReservationRequest): Promise<ReservationOutcome> {
    if (request.checks.length === 0) return { admitted: true };
    checkAmount('A reservation', request.amountPicoUsd);
    const [micro, remainder] = split(request.amountPicoUsd);
    const ttl = String(request.ttlMs);
    const { period } = request;
    const replies = (await this.#step(
      'reserve',
      request.checks.map((check) => {
        const args = [request.id, micro, remainder, ttl, ...split(check.budgetPicoUsd)];
        if (period !== undefined) args.push(String(period.keepUntilMs));
        const keys = this.#scopeKeys(check.scope, storedCostName(check.name), period);
        return this.#connection.write('reserve', reserveScript, keys, args);
      }),
    )) as [number, string?, number?][];
    const refused = replies.findIndex((reply) => reply[0] !== 1);
    if (refused === -1) return { admitted: true };
    // Scopes are checked at once, each atomically: give back what the admitted scopes hold, off the caller's path.
    const admitted = request.checks.filter((_check, index) => replies[index]![0] === 1);
    if (admitted.length > 0) void this.#releaseChecks(request.id, admitted, period).catch(() => {});
    const reply = replies[refused]!;
    return {
      admitted: false,
      check: request.checks[refused]!,
      committedPicoUsd: BigInt(reply[1] ?? '0') * MICRO + BigInt(reply[2] ?? 0),
    };
  }

  async release(
    reservationId: string,
    component: string,
    userId?: string,
    period?: PeriodRef,
  ): Promise<void> {
    const scopes: { scope: CostScope; name: string }[] = [{ scope: 'component', name: component }];
    if (userId !== undefined) scopes.push({ scope: 'user', name: userId });
    await this.#releaseChecks(reservationId, scopes, period);
  }

  async totals(scope: CostScope, name: string, period?: PeriodRef): Promise<StoredTotals> {
    const [totalsKey] = this.#scopeKeys(scope, storedCostName(name), period);
    const [reply] = await this.#step('totals', [
      this.#connection.command('totals', 'HMGET', [totalsKey!, ...TOTALS_FIELDS]),
    ]);
    return toTotals(reply);
  }

  /**
   * Every name of `scope`, read page by page; `namesPage` reads one page. Names are as stored: `sha256:<hex>` for
   * a name longer than 256 characters or beginning with `sha256:` (`totals()` takes the name itself).
   */
  async names(scope: CostScope): Promise<string[]> {
    const names: string[] = [];
    let page = await this.namesPage(scope);
    names.push(...page.names);
    while (page.cursor !== undefined) {
      page = await this.namesPage(scope, page.cursor);
      names.push(...page.names);
    }
    return names.sort();
  }

  /** One page of names (about `count`) from `cursor` (undefined to start); the answer's `cursor` is undefined at the end. */
  async namesPage(scope: CostScope, cursor?: string, count = SCAN_COUNT): Promise<NamesPage> {
    const [shardText = '0', scanCursor = '0'] = (cursor ?? '0:0').split(':');
    const shard = Number(shardText);
    if (!Number.isInteger(shard) || shard < 0 || shard >= NAME_SHARDS || !/^\d+$/.test(scanCursor)) {
      throw new CostStoreError(`Not a names cursor: ${JSON.stringify(cursor)}; start without one`);
    }
    const [reply] = await this.#step('names', [
      this.#connection.command('names', 'SSCAN', [this.#namesKey(scope, shard), scanCursor, 'COUNT', count]),
    ]);
    const [next, names] = reply as [string, string[]];
    const nextCursor =
      next !== '0' ? `${shard}:${next}` : shard + 1 < NAME_SHARDS ? `${shard + 1}:0` : undefined;
    return { names: names.map(String), cursor: nextCursor };
  }

  /**
   * One page of names (as stored, like `namesPage`) with their lifetime totals, or one period's: the page's
   * totals are read at once, by the stored names (what `report()` reads).
   */
  async totalsPage(
    scope: CostScope,
    cursor?: string,
    count = SCAN_COUNT,
    period?: PeriodRef,
  ): Promise<TotalsPage> {
    const page = await this.namesPage(scope, cursor, count);
    const replies = await this.#step(
      'totals',
      page.names.map((name) =>
        this.#connection.command('totals', 'HMGET', [
          this.#scopeKeys(scope, name, period)[0]!,
          ...TOTALS_FIELDS,
        ]),
      ),
    );
    return {
      entries: page.names.map((name, index) => [name, toTotals(replies[index])]),
      cursor: page.cursor,
    };
  }

  /** Closes the connection when the store opened it; a client you passed stays open. Idempotent. */
  close(): Promise<void> {
    return this.#connection.close();
  }

  #releaseChecks(
    reservationId: string,
    scopes: { scope: CostScope; name: string }[],
    period: PeriodRef | undefined,
  ): Promise<unknown[]> {
    return this.#step(
      'release',
      scopes.map(({ scope, name }) =>
        this.#connection.write(
          'release',
          releaseScript,
          this.#scopeKeys(scope, storedCostName(name), period),
          [reservationId],
        ),
      ),
    );
  }

  /** Commands sent together (each bounded by the connection's deadline); a failure becomes a `CostStoreError`. */
  async #step(operation: string, commands: Promise<unknown>[]): Promise<unknown[]> {
    try {
      return await Promise.all(commands);
    } catch (error) {
      // The others are still settling: keep their failures from being unhandled.
      for (const command of commands) command.catch(() => {});
      throw new CostStoreError(`Redis ${operation}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** Where a scope's keys begin; `name` is the stored name (`storedCostName`). */
  #base(scope: CostScope, name: string): string {
    return `${this.#prefix}${hashTag(`${scope}:${name}`)}:`;
  }

  /** Totals, reservation amounts and reservation expiry of a scope's lifetime, or of one of its periods. */
  #scopeKeys(scope: CostScope, name: string, period?: PeriodRef): string[] {
    const base =
      period === undefined ? this.#base(scope, name) : `${this.#base(scope, name)}period:${period.id}:`;
    return [`${base}totals`, `${base}reserved`, `${base}expiry`];
  }

  /** The lifetime keys and the record-id prefix, then the period's keys when the call is charged to one. */
  #recordKeys(scope: CostScope, name: string, period: PeriodRef | undefined): string[] {
    const keys = [...this.#scopeKeys(scope, name), `${this.#base(scope, name)}records:`];
    if (period !== undefined) keys.push(...this.#scopeKeys(scope, name, period));
    return keys;
  }

  #namesKey(scope: CostScope, shard: number): string {
    return `${this.#prefix}${hashTag(`names:${scope}:${shard}`)}`;
  }
}
