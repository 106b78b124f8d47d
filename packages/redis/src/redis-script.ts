import { createHash } from 'node:crypto';

/** A Lua script and its SHA-1, run with EVALSHA and, when the server lost its script cache, EVAL. */
export interface RedisScript {
  readonly source: string;
  readonly sha: string;
}

/** Prepares a Lua script for `RedisConnection.script()`. */
export function defineScript(source: string): RedisScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}
