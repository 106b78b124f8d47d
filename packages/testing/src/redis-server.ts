import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
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

/**
 * The range the kernel takes the local ports of outgoing connections from (Linux's `ip_local_port_range`;
 * its default elsewhere). A server port inside it can be taken by any client socket opened between the probe
 * and the server's bind, and a test opens many.
 */
function ephemeralPorts(): { low: number; high: number } {
  try {
    const [low, high] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    if (Number(low) > 0 && Number(high) >= Number(low)) return { low: Number(low), high: Number(high) };
  } catch {
    // Not Linux: its default below.
  }
  return { low: 32_768, high: 60_999 };
}

/** The lowest port `freePort` picks from: above the well-known and most registered services' ports. */
const LOWEST_TEST_PORT = 10_000;

/** True when nothing listens on `port` of 127.0.0.1 right now. */
export function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A TCP port on 127.0.0.1 that nothing listens on right now, picked at random below the range of outgoing
 * connections' local ports (see `ephemeralPorts`), so that no client socket takes it before a server binds it.
 * `span` reserves that many ports above it too (a Redis Cluster node's bus listens on port + 10000).
 */
export async function freePort(options: { span?: number } = {}): Promise<number> {
  const span = options.span ?? 0;
  const highest = ephemeralPorts().low - 1 - span;
  for (let attempt = 0; attempt < 100 && highest > LOWEST_TEST_PORT; attempt++) {
    const port = LOWEST_TEST_PORT + Math.floor(Math.random() * (highest - LOWEST_TEST_PORT + 1));
    if ((await portIsFree(port)) && (span === 0 || (await portIsFree(port + span)))) return port;
  }
  // No free port below the range (or no room there): one the kernel picks, free right now at least.
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  server.close();
  await once(server, 'close');
  return port;
}

/** redis-server exited before it answered: most often another socket took its port first. */
class ExitedBeforeReady extends Error {}

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
      throw new ExitedBeforeReady(
        `redis-server exited with code ${child.exitCode} before answering on port ${port}`,
      );
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
  let port = options.port ?? (await freePort());
  let child: ChildProcess | undefined;
  let paused = false;

  const launchOnce = async () => {
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
  // A port free when picked can be taken before redis-server binds it: a first start moves to another port
  // (unless the caller chose it); a restart, which must keep its port, tries it again for a while.
  const launch = async (first: boolean) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await launchOnce();
      } catch (error) {
        if (!(error instanceof ExitedBeforeReady) || attempt === 5) throw error;
        if (first && options.port === undefined) port = await freePort();
        else await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
      }
    }
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

  await launch(true);
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
      await launch(false);
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
