// Measures what `npm install @llmspell/<name>` puts on disk, for every publishable package: packs each package with
// `pnpm pack`, checks its tarball carries the repository's LICENSE, installs it (with the tarballs of the @llmspell
// packages it depends on) into an empty npm project, and sums the files under node_modules. Peer dependencies
// (`ai`, `@opentelemetry/api`) are not installed: an application that uses the package already has them.
//
//   node scripts/install-size.mjs           measure, and fail when a README's published size is missing or off by
//                                           more than 20 % (or 100 KB, whichever is larger)
//   node scripts/install-size.mjs --write   measure and write the sizes into the package READMEs
import { execFileSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const write = process.argv.includes('--write');
const MARKER = /<!-- install-size -->.*?<!-- \/install-size -->/s;

const packages = readdirSync(join(root, 'packages'))
  .map((folder) => ({ folder, dir: join(root, 'packages', folder) }))
  .filter(({ dir }) => existsSync(join(dir, 'package.json')))
  .map((entry) => ({ ...entry, manifest: JSON.parse(readFileSync(join(entry.dir, 'package.json'), 'utf8')) }))
  .filter(({ manifest }) => manifest.private !== true);
const byName = new Map(packages.map((entry) => [entry.manifest.name, entry]));

function sizeOf(path) {
  const stat = lstatSync(path);
  if (!stat.isDirectory()) return { bytes: stat.size, files: 1 };
  let bytes = 0;
  let files = 0;
  for (const entry of readdirSync(path)) {
    const inner = sizeOf(join(path, entry));
    bytes += inner.bytes;
    files += inner.files;
  }
  return { bytes, files };
}

/** The package and every @llmspell package it depends on, directly or not. */
function closureOf(name, seen = new Set()) {
  if (seen.has(name)) return seen;
  seen.add(name);
  for (const dependency of Object.keys(byName.get(name).manifest.dependencies ?? {})) {
    if (byName.has(dependency)) closureOf(dependency, seen);
  }
  return seen;
}

const formatBytes = (bytes) =>
  bytes >= 1_000_000
    ? `${(bytes / 1_000_000).toFixed(1)} MB`
    : `${Math.max(1, Math.round(bytes / 1_000))} KB`;
const parseBytes = (text) => {
  const match = /^([\d.]+) (KB|MB)$/.exec(text);
  return match ? Number(match[1]) * (match[2] === 'MB' ? 1_000_000 : 1_000) : undefined;
};

const license = readFileSync(join(root, 'LICENSE'), 'utf8');
const work = mkdtempSync(join(tmpdir(), 'llmspell-install-size-'));
const problems = [];
const rows = [];
try {
  const tarballs = join(work, 'tarballs');
  mkdirSync(tarballs);
  for (const entry of packages) {
    const output = execFileSync('pnpm', ['pack', '--pack-destination', tarballs], {
      cwd: entry.dir,
      encoding: 'utf8',
    });
    entry.tarball = output.trim().split('\n').at(-1);
    let packed = '';
    try {
      packed = execFileSync('tar', ['-xzOf', entry.tarball, 'package/LICENSE'], { encoding: 'utf8' });
    } catch {
      // reported below
    }
    if (packed !== license)
      problems.push(`${entry.manifest.name}: its tarball has no LICENSE (or a different one)`);
  }
  for (const entry of packages) {
    const name = entry.manifest.name;
    const app = join(work, entry.folder);
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'measure', private: true }));
    const files = [...closureOf(name)].map((dependency) => byName.get(dependency).tarball);
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--legacy-peer-deps', '--no-save', ...files], {
      cwd: app,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const modules = join(app, 'node_modules');
    const { bytes } = sizeOf(modules);
    const installed = JSON.parse(readFileSync(join(modules, '.package-lock.json'), 'utf8')).packages;
    const count = Object.keys(installed).filter((path) => path.startsWith('node_modules/')).length;
    const peers = Object.keys(entry.manifest.peerDependencies ?? {});
    const line =
      `<!-- install-size -->Install size: **${formatBytes(bytes)}** on disk, ${count} package${count === 1 ? '' : 's'}` +
      ` (\`${name}\` and its dependencies as npm installs them${peers.length > 0 ? `, not counting the peer ${peers.map((peer) => `\`${peer}\``).join(', ')}` : ''};` +
      ' measured in CI by `scripts/install-size.mjs`)<!-- /install-size -->';
    rows.push({ name, size: formatBytes(bytes), packages: count });

    const readmePath = join(entry.dir, 'README.md');
    const readme = existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : '';
    const published = MARKER.exec(readme)?.[0];
    if (write) {
      if (published !== undefined) writeFileSync(readmePath, readme.replace(MARKER, line));
      else {
        // First time: right after the README's first ```sh block (its install line).
        const at = readme.indexOf('```', readme.indexOf('```sh') + 5);
        if (readme.indexOf('```sh') === -1 || at === -1)
          problems.push(`${name}: README has no \`\`\`sh install block`);
        else writeFileSync(readmePath, `${readme.slice(0, at + 3)}\n\n${line}${readme.slice(at + 3)}`);
      }
    } else if (published === undefined) {
      problems.push(
        `${name}: README does not publish its install size (run node scripts/install-size.mjs --write)`,
      );
    } else {
      const claimed = parseBytes(/\*\*(.+?)\*\*/.exec(published)?.[1] ?? '');
      if (claimed === undefined || Math.abs(claimed - bytes) > Math.max(0.2 * bytes, 100_000)) {
        problems.push(
          `${name}: README says ${claimed === undefined ? '?' : formatBytes(claimed)}, measured ${formatBytes(bytes)} (run node scripts/install-size.mjs --write)`,
        );
      }
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
console.table(rows);
if (problems.length > 0) {
  for (const problem of problems) console.error(problem);
  process.exit(1);
}
