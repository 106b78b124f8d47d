import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, type RedisServerHandle, startRedisServer } from './redis-server.js';

/** A redis-server with TLS on `tlsPort` (and plain TCP on `port` for set-up), certificates made for the test. */
export interface RedisTlsServerHandle extends RedisServerHandle {
  /** `rediss://127.0.0.1:<tlsPort>`. */
  readonly tlsUrl: string;
  readonly tlsPort: number;
  /** PEM of the self-signed CA that signed the server's certificate: trust it with `tls: { ca }`. */
  readonly ca: string;
  /** PEM of another CA that signed nothing here: a client trusting only it must refuse the server. */
  readonly otherCa: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'ignore' });
}

function makeCa(directory: string, name: string): void {
  openssl(['genrsa', '-out', `${name}.key`, '2048'], directory);
  openssl(
    [
      'req',
      '-x509',
      '-new',
      '-key',
      `${name}.key`,
      '-sha256',
      '-days',
      '2',
      '-subj',
      `/CN=${name}`,
      '-out',
      `${name}.crt`,
    ],
    directory,
  );
}

/**
 * Starts a redis-server that speaks TLS, with a CA made by openssl for this test (and a second, unrelated CA to
 * test refusals). The server certificate names 127.0.0.1 and localhost; clients need no certificate.
 */
export async function startRedisTlsServer(): Promise<RedisTlsServerHandle> {
  const directory = mkdtempSync(join(tmpdir(), 'llmspell-tls-'));
  try {
    makeCa(directory, 'ca');
    makeCa(directory, 'other-ca');
    openssl(['genrsa', '-out', 'server.key', '2048'], directory);
    openssl(['req', '-new', '-key', 'server.key', '-subj', '/CN=127.0.0.1', '-out', 'server.csr'], directory);
    writeFileSync(join(directory, 'server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
    openssl(
      [
        'x509',
        '-req',
        '-in',
        'server.csr',
        '-CA',
        'ca.crt',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-days',
        '2',
        '-sha256',
        '-extfile',
        'server.ext',
        '-out',
        'server.crt',
      ],
      directory,
    );
  } catch (error) {
    rmSync(directory, { recursive: true, force: true });
    throw new Error(
      `openssl could not make test certificates: ${error instanceof Error ? error.message : error}`,
    );
  }
  const tlsPort = await freePort();
  let server: RedisServerHandle;
  try {
    server = await startRedisServer({
      useEnvironment: false,
      args: [
        '--tls-port',
        String(tlsPort),
        '--tls-cert-file',
        join(directory, 'server.crt'),
        '--tls-key-file',
        join(directory, 'server.key'),
        '--tls-ca-cert-file',
        join(directory, 'ca.crt'),
        '--tls-auth-clients',
        'no',
      ],
    });
  } catch (error) {
    rmSync(directory, { recursive: true, force: true });
    throw error;
  }
  const ca = readFileSync(join(directory, 'ca.crt'), 'utf8');
  const otherCa = readFileSync(join(directory, 'other-ca.crt'), 'utf8');
  return {
    url: server.url,
    host: server.host,
    port: server.port,
    external: false,
    get pid() {
      return server.pid;
    },
    get paused() {
      return server.paused;
    },
    kill: () => server.kill(),
    restart: () => server.restart(),
    pause: () => server.pause(),
    resume: () => server.resume(),
    tlsUrl: `rediss://127.0.0.1:${tlsPort}`,
    tlsPort,
    ca,
    otherCa,
    async stop() {
      await server.stop();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
