import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describeValue, type Hook, type HookPoint, isHookPoint, PluginLoadError } from '@llmspell/core';
import type { HookPlugin } from './hook-plugin.js';
import { resolvePackage } from './resolve-package.js';

type PluginModule = Record<string, unknown>;

/** What to import, and how to name it in messages (a file path wherever there is one). */
interface Located {
  href: string;
  where: string;
}

const URL_SCHEME = /^[a-z][a-z0-9+.-]+:/i;

/**
 * Where a plugin specifier points: a `URL` or URL string as it is, an absolute path as a file, a relative path
 * from the working directory, and a bare package name as the working directory's package would import it.
 */
function locate(specifier: string | URL): Located | PluginLoadError {
  if (specifier instanceof URL) {
    return {
      href: specifier.href,
      where: specifier.protocol === 'file:' ? fileURLToPath(specifier) : specifier.href,
    };
  }
  if (typeof specifier !== 'string' || specifier.length === 0) {
    return new PluginLoadError(
      describeValue(specifier),
      'the specifier must be a URL, a path or a package name',
    );
  }
  if (
    isAbsolute(specifier) ||
    specifier.startsWith('./') ||
    specifier.startsWith('../') ||
    specifier === '.'
  ) {
    const file = resolve(specifier);
    return { href: pathToFileURL(file).href, where: file };
  }
  if (URL_SCHEME.test(specifier)) {
    return { href: specifier, where: specifier.startsWith('file:') ? fileURLToPath(specifier) : specifier };
  }
  const resolved = resolvePackage(specifier, process.cwd());
  if ('problem' in resolved) return new PluginLoadError(specifier, resolved.problem);
  return { href: pathToFileURL(resolved.file).href, where: resolved.file };
}

function isPlugin(value: unknown): value is HookPlugin {
  const candidate = value as Partial<HookPlugin> | null;
  return (
    candidate !== null &&
    typeof candidate === 'object' &&
    typeof candidate.name === 'string' &&
    typeof candidate.version === 'string' &&
    typeof candidate.hooks === 'function'
  );
}

function describePlugin(value: unknown): string {
  if (value === null || typeof value !== 'object') return `a ${value === null ? 'null' : typeof value}`;
  const candidate = value as Record<string, unknown>;
  const missing = [
    typeof candidate.name === 'string' ? undefined : "a string 'name'",
    typeof candidate.version === 'string' ? undefined : "a string 'version'",
    typeof candidate.hooks === 'function' ? undefined : 'a hooks() method',
  ].filter(Boolean);
  return `an object without ${missing.join(', ')}`;
}

async function pluginFromHookFactory(specifier: string, module: PluginModule): Promise<HookPlugin> {
  const hook = (await (module.createHook as () => unknown)()) as Hook;
  if (
    !hook ||
    typeof hook !== 'object' ||
    typeof hook.id !== 'string' ||
    typeof hook.execute !== 'function'
  ) {
    throw new PluginLoadError(
      specifier,
      "createHook() did not return a hook with a string 'id' and execute()",
    );
  }
  const metadata = (hook.metadata?.() ?? {}) as Record<string, unknown>;
  const point = module.hookPoint ?? metadata.point;
  if (!isHookPoint(point)) {
    throw new PluginLoadError(
      specifier,
      `createHook() returned hook '${hook.id}' without a hook point: export 'hookPoint' or put 'point' in its metadata()` +
        (point === undefined ? '' : ` (got ${JSON.stringify(point)})`),
    );
  }
  const priority = (module.priority ?? metadata.priority) as number | undefined;
  return {
    name: typeof metadata.name === 'string' ? metadata.name : hook.id,
    version: typeof metadata.version === 'string' ? metadata.version : '0.0.0',
    hooks: () => [[point as HookPoint, hook, priority]],
  };
}

/**
 * Imports `specifier` and finds the plugin in it. Returns the plugin and the file it came from; every problem
 * is a `PluginLoadError` naming the file.
 */
export async function loadPluginModule(
  specifier: string | URL,
): Promise<{ plugin: HookPlugin; where: string }> {
  const located = locate(specifier);
  if (located instanceof PluginLoadError) throw located;
  const { href, where } = located;
  let module: PluginModule;
  try {
    module = (await import(href)) as PluginModule;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new PluginLoadError(where, `the module could not be imported: ${message}`, { cause: error });
  }
  // A CommonJS module imported from ESM puts module.exports on `default`.
  const exports =
    module.default && typeof module.default === 'object' && !isPlugin(module.default)
      ? { ...(module.default as PluginModule), ...module }
      : module;

  try {
    if (isPlugin(exports.default)) return { plugin: exports.default, where };
    if (typeof exports.createPlugin === 'function') {
      const plugin = await (exports.createPlugin as () => unknown)();
      if (!isPlugin(plugin)) {
        throw new PluginLoadError(where, `createPlugin() returned ${describePlugin(plugin)}`);
      }
      return { plugin, where };
    }
    if (typeof exports.createHook === 'function') {
      return { plugin: await pluginFromHookFactory(where, exports), where };
    }
  } catch (error) {
    if (PluginLoadError.isInstance(error)) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new PluginLoadError(where, `its factory threw: ${message}`, { cause: error });
  }
  const names = Object.keys(exports).filter((name) => name !== '__esModule');
  const found =
    exports.default === undefined ? '' : `; its default export is ${describePlugin(exports.default)}`;
  throw new PluginLoadError(
    where,
    'expected a default export that is a HookPlugin ({ name, version, hooks() }), or an exported createPlugin() ' +
      `or createHook(); it exports ${names.length ? names.map((name) => `'${name}'`).join(', ') : 'nothing'}${found}`,
  );
}
