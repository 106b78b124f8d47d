// Keeps README examples runnable. A README marks a code block as a copy of an example file with a comment on the
// line before its fence:
//
//   <!-- example: examples/readme-tour/src/tour.ts -->
//   ```ts
//   …the file, verbatim…
//   ```
//
// and CI runs that file (each example's `smoke` script). This script fails when a marked block differs from its
// file, when a package README shows code but no marked example, or when the `npm install` line before a marked block does
// not name every package the block imports. Run by `pnpm lint`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const MARKED_BLOCK = /<!-- example: (\S+) -->\n```(?:ts|js)\n([\s\S]*?)```/g;
const builtins = new Set(builtinModules);

const readmes = [
  join(root, 'README.md'),
  ...['packages', 'examples'].flatMap((folder) =>
    readdirSync(join(root, folder)).map((name) => join(root, folder, name, 'README.md')),
  ),
].filter((path) => existsSync(path));

/** The npm package an import specifier names (`ai/test` → `ai`, `@scope/name/sub` → `@scope/name`). */
function packageOf(specifier) {
  if (specifier.startsWith('.') || specifier.startsWith('node:') || builtins.has(specifier)) return undefined;
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const problems = [];
for (const readme of readmes) {
  const name = relative(root, readme);
  const text = readFileSync(readme, 'utf8');
  const blocks = [...text.matchAll(MARKED_BLOCK)];
  // A package README that shows code at all shows its main example as a marked copy of a file CI runs.
  if (name.startsWith('packages/') && blocks.length === 0 && /```(?:ts|js)\n/.test(text)) {
    problems.push(
      `${name}: no example marked with <!-- example: examples/… --> (its main example must be one)`,
    );
  }
  for (const block of blocks) {
    const [, file, code] = block;
    const path = join(root, file);
    if (!existsSync(path)) {
      problems.push(`${name}: marks a copy of ${file}, which does not exist`);
      continue;
    }
    if (readFileSync(path, 'utf8').trim() !== code.trim()) {
      problems.push(
        `${name}: the block marked as ${file} differs from that file; copy the file into the README`,
      );
    }
    const imported = new Set(
      [...code.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]/gm)]
        .map((match) => packageOf(match[1]))
        .filter((pkg) => pkg !== undefined),
    );
    // The last install command in a ```sh block before the example.
    const before = text.slice(0, block.index);
    const shell = [...before.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]).join('\n');
    const install = [...shell.matchAll(/^(?:npm install|npm i|pnpm add|yarn add) ([^\n#]+)/gm)].at(-1)?.[1];
    if (install === undefined) {
      if (imported.size > 0)
        problems.push(`${name}: no install command in a sh block before the example ${file}`);
      continue;
    }
    const named = new Set(install.split(/\s+/).map((word) => word.replace(/(.)@[^@/]*$/, '$1')));
    const missing = [...imported].filter((pkg) => !named.has(pkg));
    if (missing.length > 0) {
      problems.push(`${name}: the install line before ${file} does not name ${missing.join(', ')}`);
    }
  }
}
if (problems.length > 0) {
  for (const problem of problems) console.error(problem);
  process.exit(1);
}
console.log(`README examples: ${readmes.length} READMEs checked against their example files`);
