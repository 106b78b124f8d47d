// Usage: node scripts/new-package.mjs <folder> "<description>" [dep ...]
// Writes package.json, tsconfig.json and tsup.config.ts for a publishable package, and copies the LICENSE
// (npm puts a package folder's LICENSE in its tarball; scripts/install-size.mjs checks every tarball has it).
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';

const [folder, description, ...deps] = process.argv.slice(2);
if (!folder || !description) {
  console.error('usage: node scripts/new-package.mjs <folder> "<description>" [dep ...]');
  process.exit(1);
}
const dir = `packages/${folder}`;
mkdirSync(`${dir}/src`, { recursive: true });
const pkg = {
  name: `@llmspell/${folder}`,
  version: '0.1.0',
  description,
  license: 'MIT',
  type: 'module',
  sideEffects: false,
  repository: { type: 'git', url: 'git+https://github.com/llmspell/llmspell-hooks-ts.git', directory: dir },
  engines: { node: '>=20' },
  main: './dist/index.cjs',
  module: './dist/index.js',
  types: './dist/index.d.cts',
  exports: {
    '.': {
      import: { types: './dist/index.d.ts', default: './dist/index.js' },
      require: { types: './dist/index.d.cts', default: './dist/index.cjs' },
    },
    './package.json': './package.json',
  },
  files: ['dist'],
  publishConfig: { access: 'public' },
  scripts: {
    build: 'tsup',
    typecheck: 'tsc --noEmit',
    test: 'vitest run --reporter=default --reporter=json --outputFile.json=.test-results.json',
    'check:package': 'publint --strict && attw --pack . --profile node16',
  },
  dependencies: Object.fromEntries(deps.map((d) => [d, d.startsWith('@llmspell/') ? 'workspace:^' : '*'])),
};
writeFileSync(`${dir}/package.json`, `${JSON.stringify(pkg, null, 2)}\n`);
writeFileSync(
  `${dir}/tsconfig.json`,
  `${JSON.stringify({ extends: '../../tsconfig.base.json', include: ['src', 'tsup.config.ts'] }, null, 2)}\n`,
);
writeFileSync(
  `${dir}/tsup.config.ts`,
  "import { defineConfig } from 'tsup';\nimport { packageBuild } from '../../tsup.base';\n\nexport default defineConfig(packageBuild);\n",
);
copyFileSync('LICENSE', `${dir}/LICENSE`);
