// What the figures were measured on: machine, runtime, peer versions, load.
import { readFileSync } from 'node:fs';
import { cpus, freemem, loadavg, release, totalmem, type } from 'node:os';

const packageRoot = new URL('../', import.meta.url);

function installedVersion(name) {
  try {
    const manifest = JSON.parse(
      readFileSync(new URL(`node_modules/${name}/package.json`, packageRoot), 'utf8'),
    );
    return manifest.version;
  } catch {
    return 'unknown';
  }
}

/** Facts about this run, as [label, value] pairs. */
export function describeMachine({ redisVersion }) {
  const processors = cpus();
  const gib = (bytes) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  return [
    ['date', new Date().toISOString()],
    ['cpu', `${processors[0]?.model ?? 'unknown'} × ${processors.length}`],
    ['memory', `${gib(totalmem())} (${gib(freemem())} free at start)`],
    ['os', `${type()} ${release()} ${process.arch}`],
    ['node', `${process.version} (V8 ${process.versions.v8})`],
    [
      'load average at start',
      loadavg()
        .map((value) => value.toFixed(2))
        .join(' / '),
    ],
    ['redis-server', redisVersion],
    [
      'peers',
      ['mitata', 'hookable', 'tapable', 'before-after-hook', 'rate-limiter-flexible', 'ioredis']
        .map((name) => `${name} ${installedVersion(name)}`)
        .join(', '),
    ],
  ];
}
