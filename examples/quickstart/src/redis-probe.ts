import { connect } from 'node:net';

/** Why Redis at `url` cannot be reached (a TCP connect within 2 s), or `undefined` when it answers. */
export async function redisProblem(url: string): Promise<string | undefined> {
  let host: string;
  let port: number;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') return `not a redis:// URL`;
    host = parsed.hostname || '127.0.0.1';
    port = Number(parsed.port || 6379);
  } catch {
    return 'not a valid URL';
  }
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 2_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('no answer within 2 s');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      socket.destroy();
      resolve(error.code ?? error.message);
    });
  });
}
