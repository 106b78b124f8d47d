import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describeValue, type Hook, type HookPoint, isHookPoint, PluginLoadError } from '@llmspell/core';
import type { HookPlugin } from './hook-plugin.js';

type PluginModule = Record<string, unknown>;

function isPathLike(specifier: string): boolean {
  return specifier.startsWith('.') || isAbsolute(specifier) || specifier.startsWith('file:');
}

function toImportable(specifier: string): string {
  if (specifier.startsWith('file:')) return specifier;
  return isPathLike(specifier) ? pathToFileURL(resolve(specifier)).href : specifier;
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

/** Imports `specifier` and finds the plugin in it; every problem is a `PluginLoadError` naming the file. */
export async function loadPluginModule(specifier: string): Promise<HookPlugin> {
  if (typeof specifier !== 'string' || specifier.length === 0) {
    throw new PluginLoadError(
      describeValue(specifier),
      'the specifier must be a non-empty path or package name',
    );
  }
  const where = isPathLike(specifier) && !specifier.startsWith('file:') ? resolve(specifier) : specifier;
  let module: PluginModule;
  try {
    module = (await import(toImportable(specifier))) as PluginModule;
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
    if (isPlugin(exports.default)) return exports.default;
    if (typeof exports.createPlugin === 'function') {
      const plugin = await (exports.createPlugin as () => unknown)();
      if (!isPlugin(plugin)) {
        throw new PluginLoadError(where, `createPlugin() returned ${describePlugin(plugin)}`);
      }
      return plugin;
    }
    if (typeof exports.createHook === 'function') return await pluginFromHookFactory(where, exports);
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
