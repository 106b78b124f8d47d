import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * Why this file exists: `import('some-plugin')` inside this package resolves the name from *this* package's
 * folder, which under pnpm (or any strict layout) cannot see the application's dependencies, and Node 20 has
 * no unflagged way to resolve an ES module name from another folder. So a bare plugin name is resolved here,
 * as Node would resolve it for an ES module in the working directory: the nearest `node_modules/<name>`
 * upwards, then the package's `exports` with the conditions `import`, `node` and `default` (or `main`).
 */

const CONDITIONS = ['import', 'node', 'default'];

/** `'@scope/name/sub/path'` → `['@scope/name', './sub/path']`; `'name'` → `['name', '.']`. */
function splitSpecifier(specifier: string): [string, string] {
  const parts = specifier.split('/');
  const nameParts = specifier.startsWith('@') ? 2 : 1;
  const name = parts.slice(0, nameParts).join('/');
  const rest = parts.slice(nameParts).join('/');
  return [name, rest === '' ? '.' : `./${rest}`];
}

/** The target of a conditional `exports` value for an ES module import, or undefined. */
function pickTarget(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    for (const entry of value) {
      const target = pickTarget(entry);
      if (target !== undefined) return target;
    }
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  for (const [condition, inner] of Object.entries(value)) {
    if (CONDITIONS.includes(condition)) {
      const target = pickTarget(inner);
      if (target !== undefined) return target;
    }
  }
  return undefined;
}

/** The file `subpath` of a package maps to through its `exports` field, or a reason it does not. */
function resolveExports(exports: unknown, subpath: string): string | { problem: string } {
  const isSubpathMap =
    exports !== null &&
    typeof exports === 'object' &&
    !Array.isArray(exports) &&
    Object.keys(exports).some((key) => key.startsWith('.'));
  const map: Record<string, unknown> = isSubpathMap ? (exports as Record<string, unknown>) : { '.': exports };
  if (Object.hasOwn(map, subpath)) {
    const target = pickTarget(map[subpath]);
    return target ?? { problem: `its "exports" has no import, node or default target for '${subpath}'` };
  }
  for (const [pattern, value] of Object.entries(map)) {
    const star = pattern.indexOf('*');
    if (star < 0) continue;
    const prefix = pattern.slice(0, star);
    const suffix = pattern.slice(star + 1);
    if (subpath.startsWith(prefix) && subpath.endsWith(suffix) && subpath.length >= pattern.length - 1) {
      const target = pickTarget(value);
      if (target !== undefined)
        return target.replaceAll('*', subpath.slice(prefix.length, subpath.length - suffix.length));
    }
  }
  return { problem: `its "exports" does not export '${subpath}'` };
}

/**
 * The absolute file a bare module name (`'my-plugin'`, `'@acme/hooks/strict'`) resolves to from `directory`,
 * or a sentence saying why it does not.
 */
export function resolvePackage(specifier: string, directory: string): { file: string } | { problem: string } {
  const [name, subpath] = splitSpecifier(specifier);
  for (let dir = resolve(directory); ; dir = dirname(dir)) {
    const root = join(dir, 'node_modules', name);
    const manifestPath = join(root, 'package.json');
    if (existsSync(manifestPath)) {
      let manifest: { exports?: unknown; main?: unknown };
      try {
        manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
      } catch (error) {
        return { problem: `${manifestPath} is not valid JSON: ${(error as Error).message}` };
      }
      if (manifest.exports !== undefined) {
        const target = resolveExports(manifest.exports, subpath);
        return typeof target === 'string'
          ? { file: join(root, target) }
          : { problem: `package '${name}' at ${root}: ${target.problem}` };
      }
      if (subpath !== '.') return { file: join(root, subpath) };
      return { file: join(root, typeof manifest.main === 'string' ? manifest.main : 'index.js') };
    }
    if (dirname(dir) === dir) break;
  }
  return {
    problem: `no package '${name}' is installed in node_modules of ${resolve(directory)} or any folder above it; install it in the application or pass a path or URL`,
  };
}
