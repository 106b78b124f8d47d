import { execFile } from 'node:child_process';

/** Options of `redisCli`. */
export interface RedisCliOptions {
  host?: string;
  /** Extra redis-cli flags before the command (`['--tls', '--cacert', path]`, `['--user', 'a', '--pass', 'b']`). */
  flags?: string[];
  /** Give up after this long. Default 10_000 ms. */
  timeoutMs?: number;
  /** The redis-cli binary. Default `REDIS_CLI_BIN` or `redis-cli` on the PATH. */
  binary?: string;
}

/** Runs one command with redis-cli against `port` and resolves its output (raw, without the trailing newline). */
export function redisCli(port: number, command: string[], options: RedisCliOptions = {}): Promise<string> {
  const {
    host = '127.0.0.1',
    flags = [],
    timeoutMs = 10_000,
    binary = process.env.REDIS_CLI_BIN ?? 'redis-cli',
  } = options;
  return new Promise((resolve, reject) => {
    execFile(
      binary,
      ['-h', host, '-p', String(port), ...flags, ...command],
      { timeout: timeoutMs, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (error)
          reject(
            new Error(`redis-cli ${command.join(' ')} on port ${port} failed: ${stderr || error.message}`),
          );
        else resolve(stdout.replace(/\n$/, ''));
      },
    );
  });
}
