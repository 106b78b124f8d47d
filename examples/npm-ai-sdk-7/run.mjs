// Installs the packages as a user gets them and runs app.mjs in that project on Node 22:
// `pnpm pack` for each package app.mjs imports (and their @llmspell dependencies), then, in a fresh folder,
// `npm init` + `npm install ai@7 zod @ai-sdk/otel @opentelemetry/… <tarballs>` and `node app.mjs`. Fails on any
// error.
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { nodeBinFolder } from '../../scripts/node-runtimes.mjs';

const AI_VERSION = '7.0.173';
const ZOD_VERSION = '4.6.7';
const NODE_VERSION = '22.23.5';
const PACKAGES = ['core', 'registry', 'executor', 'ai-sdk', 'hook-security', 'opentelemetry'];
// AI SDK 7's OpenTelemetry integration and the OpenTelemetry pieces the app uses, at versions that fit together.
const OPEN_TELEMETRY = [
  '@ai-sdk/otel@1.0.173',
  '@opentelemetry/api@1.9.1',
  '@opentelemetry/context-async-hooks@2.12.1',
  '@opentelemetry/sdk-trace-base@2.12.1',
];

const here = new URL('.', import.meta.url).pathname;
const root = join(here, '..', '..');
const env = { ...process.env, PATH: `${nodeBinFolder(NODE_VERSION)}${delimiter}${process.env.PATH}` };
const run = (command, args, cwd) =>
  execFileSync(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'inherit'] });

const work = mkdtempSync(join(tmpdir(), 'llmspell-npm-'));
try {
  const tarballs = join(work, 'tarballs');
  mkdirSync(tarballs);
  for (const name of PACKAGES)
    run('pnpm', ['pack', '--pack-destination', tarballs], join(root, 'packages', name));
  const app = join(work, 'app');
  mkdirSync(app);
  run('npm', ['init', '-y'], app);
  const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
  writeFileSync(join(app, 'package.json'), JSON.stringify({ ...manifest, type: 'module' }, null, 2));
  const files = readdirSync(tarballs).map((file) => join(tarballs, file));
  run(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      `ai@${AI_VERSION}`,
      `zod@${ZOD_VERSION}`,
      ...OPEN_TELEMETRY,
      ...files,
    ],
    app,
  );
  copyFileSync(join(here, 'app.mjs'), join(app, 'app.mjs'));
  const versions = run('node', ['-p', "process.version + ' ai@' + require('ai/package.json').version"], app);
  console.log(`fresh npm project on Node ${versions.toString().trim()} with ${files.length} packed tarballs`);
  execFileSync('node', ['app.mjs'], { cwd: app, env, stdio: 'inherit' });
} finally {
  rmSync(work, { recursive: true, force: true });
}
