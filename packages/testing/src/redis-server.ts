import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createConnection, createServer } from 'node:net';

/** A Redis server for tests: one this process started (and may stop, kill, pause), or the one `REDIS_URL` names. */
export interface RedisServerHandle {
  /** The server's process id (undefined for `REDIS_URL` or while stopped). */
  readonly pid: number | undefined;
  /** `redis://127.0.0.1:<port>` (or `REDIS_URL`). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** True when the handle wraps `REDIS_URL`: it cannot be stopped, killed or paused. */
  readonly external: boolean;
  /** True between `pause()` and `resume()` (or a stop). */
  readonly paused: boolean;
  /** Stops the server (SIGTERM, then SIGKILL) and waits for its exit. Idempotent. */
  stop(): Promise<void>;
  /** Kills the server at once (SIGKILL), as a crash would, and waits for its exit. */
  kill(): Promise<void>;
  /** Starts it again on the same port after `stop()` or `kill()`, and waits until it answers. */
  restart(): Promise<void>;
  /** SIGSTOP: the server keeps its socket open but answers nothing (a hung Redis). */
  pause(): void;
  /** SIGCONT after `pause()`. */
  resume(): void;
}

/** Options of `startRedisServer`. */
export interface StartRedisServerOptions {
  /** Use `REDIS_URL` when it is set instead of starting a server. Default true; fault tests pass false. */
  useEnvironment?: boolean;
  /** The redis-server binary. Default `REDIS_SERVER_BIN` or `redis-server` on the PATH. */
  binary?: string;
  /** How long to wait for the server to answer. Default 10_000 ms. */
  startTimeoutMs?: number;
  /** More redis-server arguments (`['--user', 'alice on >pw ~* +@all']`); they win over the defaults. */
  args?: string[];
  /** A config file given to redis-server before every argument (Sentinel needs one it can rewrite). */
  configFile?: string;
  /** The server's working directory (where a Cluster node writes its nodes file). Default: this process's. */
  cwd?: string;
  /** The port to listen on. Default: a free one. */
  port?: number;
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  server.close();
  await once(server, 'close');
  return port;
}

function ping(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host, port });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (chunk) => done(chunk.toString().startsWith('+PONG')));
  });
}

async function waitUntilReady(
  host: string,
  port: number,
  timeoutMs: number,
  child: ChildProcess | undefined,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) {
      throw new Error(`redis-server exited with code ${child.exitCode} before answering on port ${port}`);
    }
    if (await ping(host, port)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`redis-server did not answer on ${host}:${port} within ${timeoutMs} ms`);
}

/** True when a `redis-server` binary can be run here. */
export function redisServerAvailable(binary = process.env.REDIS_SERVER_BIN ?? 'redis-server'): boolean {
  const probe = spawnSync(binary, ['--version'], { stdio: 'ignore' });
  return probe.status === 0;
}

/**
 * Starts a throwaway `redis-server` on a free port (no persistence), or wraps `REDIS_URL`.
 * Throws a clear error when no server can be had: Redis-backed tests must fail, not skip.
 */
export async function startRedisServer(options: StartRedisServerOptions = {}): Promise<RedisServerHandle> {
  const {
    useEnvironment = true,
    binary = process.env.REDIS_SERVER_BIN ?? 'redis-server',
    startTimeoutMs = 10_000,
    args = [],
    configFile,
    cwd,
  } = options;
  const fromEnvironment = useEnvironment ? process.env.REDIS_URL : undefined;
  if (fromEnvironment) {
    const parsed = new URL(fromEnvironment);
    const external = () => {
      throw new Error(
        'This Redis comes from REDIS_URL; only a server the test started can be stopped or paused',
      );
    };
    return {
      url: fromEnvironment,
      pid: undefined,
      host: parsed.hostname,
      port: Number(parsed.port || 6379),
      external: true,
      paused: false,
      stop: async () => {},
      kill: async () => external(),
      restart: async () => external(),
      pause: external,
      resume: external,
    };
  }
  if (!redisServerAvailable(binary)) {
    throw new Error(
      `Cannot run '${binary}': install Redis (apt-get install -y redis-server), set REDIS_SERVER_BIN, or set REDIS_URL`,
    );
  }
  const host = '127.0.0.1';
  const port = options.port ?? (await freePort());
  let child: ChildProcess | undefined;
  let paused = false;

  const launch = async () => {
    child = spawn(
      binary,
      [
        ...(configFile === undefined ? [] : [configFile]),
        ...['--port', String(port), '--bind', host, '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
        ...args,
      ],
      { stdio: 'ignore', ...(cwd === undefined ? {} : { cwd }) },
    );
    await waitUntilReady(host, port, startTimeoutMs, child);
  };
  const terminate = async (signal: NodeJS.Signals) => {
    const running = child;
    child = undefined;
    paused = false;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = once(running, 'exit');
    running.kill('SIGCONT');
    running.kill(signal);
    const timer = setTimeout(() => running.kill('SIGKILL'), 2_000);
    await exited;
    clearTimeout(timer);
  };

  await launch();
  return {
    url: `redis://${host}:${port}`,
    get pid() {
      return child?.pid;
    },
    host,
    port,
    external: false,
    get paused() {
      return paused;
    },
    stop: () => terminate('SIGTERM'),
    kill: () => terminate('SIGKILL'),
    restart: async () => {
      await terminate('SIGKILL');
      await launch();
    },
    pause: () => {
      if (child?.kill('SIGSTOP')) paused = true;
    },
    resume: () => {
      child?.kill('SIGCONT');
      paused = false;
    },
  };
}
