/**
 * What the llmspell Redis pieces need of an ioredis client. Structural, so an ioredis `Redis` or `Cluster` of
 * ioredis 5 or 6 fits without this package importing either at run time.
 */
export interface RedisClient {
  /** ioredis connection status: 'wait', 'connecting', 'connect', 'ready', 'reconnecting', 'close', 'end' … */
  readonly status: string;
  /** True for an ioredis `Cluster`. */
  readonly isCluster: boolean;
  /** Sends any command; every reply comes back unconverted. */
  call(command: string, args: (string | Buffer | number)[]): Promise<unknown>;
  /**
   * Commands sent together on one connection, answered in order; a `Cluster` sends them to the master of their
   * keys' slot (`[['evalsha', sha, 1, key], ['wait', 1, 100]]`: names in lower case).
   */
  pipeline(commands: unknown[][]): { exec(): Promise<[error: Error | null, result: unknown][] | null> };
  connect(): Promise<unknown>;
  disconnect(reconnect?: boolean): void;
  quit(): Promise<unknown>;
  on(event: string | symbol, listener: (...args: unknown[]) => void): unknown;
  off(event: string | symbol, listener: (...args: unknown[]) => void): unknown;
}

/** True when `value` looks like an ioredis `Redis` or `Cluster` client. */
export function isRedisClient(value: unknown): value is RedisClient {
  if (value === null || typeof value !== 'object') return false;
  const client = value as Record<string, unknown>;
  return (
    typeof client.call === 'function' &&
    typeof client.on === 'function' &&
    typeof client.status === 'string' &&
    typeof client.disconnect === 'function'
  );
}
