import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { HookPoint, HookRegistrationError, PluginLoadError } from '@llmspell/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HookRegistry } from './hook-registry.js';

const fixture = (name: string) => fileURLToPath(new URL(`./__fixtures__/plugins/${name}`, import.meta.url));

/** An application folder with its own package.json and an ES-module-only plugin package installed. */
function makeApplication(): string {
  const app = mkdtempSync(join(tmpdir(), 'llmspell-app-'));
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', type: 'module' }));
  const plugin = join(app, 'node_modules', '@acme', 'word-guard');
  mkdirSync(join(plugin, 'lib'), { recursive: true });
  writeFileSync(
    join(plugin, 'package.json'),
    JSON.stringify({
      name: '@acme/word-guard',
      version: '3.1.0',
      type: 'module',
      exports: { '.': { import: './lib/index.js' }, './strict': { import: './lib/strict.js' } },
    }),
  );
  const body = (id: string) =>
    `export default { name: '${id}', version: '3.1.0', hooks: () => [['BeforeAgentExecution', { id: '${id}', execute: () => ({ type: 'continue' }) }]] };\n`;
  writeFileSync(join(plugin, 'lib', 'index.js'), body('word-guard'));
  writeFileSync(join(plugin, 'lib', 'strict.js'), body('word-guard-strict'));
  return app;
}

describe('loadPlugin resolves from the application, not from the registry package', () => {
  let app: string;
  let previous: string;
  beforeEach(() => {
    previous = process.cwd();
    app = makeApplication();
    process.chdir(app);
  });
  afterEach(() => {
    process.chdir(previous);
    rmSync(app, { recursive: true, force: true });
  });

  it("loads a bare package name installed in the working directory's node_modules (wrong-resolution finding)", async () => {
    const registry = new HookRegistry();
    const plugin = await registry.loadPlugin('@acme/word-guard');
    expect(plugin.name).toBe('word-guard');
    expect(registry.hooksFor(HookPoint.BeforeAgentExecution).map((entry) => entry.id)).toEqual([
      'word-guard',
    ]);
  });

  it('loads an exported subpath of a package and resolves from a nested working directory', async () => {
    mkdirSync(join(app, 'src', 'jobs'), { recursive: true });
    process.chdir(join(app, 'src', 'jobs'));
    const plugin = await new HookRegistry().loadPlugin('@acme/word-guard/strict');
    expect(plugin.name).toBe('word-guard-strict');
  });

  it('names the package and the folder when the package is not installed', async () => {
    const attempt = new HookRegistry().loadPlugin('not-installed-plugin');
    await expect(attempt).rejects.toSatisfy((error) => PluginLoadError.isInstance(error));
    await expect(attempt).rejects.toThrow(
      /no package 'not-installed-plugin' is installed in node_modules of/,
    );
  });

  it('names the package when the subpath is not exported', async () => {
    await expect(new HookRegistry().loadPlugin('@acme/word-guard/internal')).rejects.toThrow(
      /does not export '\.\/internal'/,
    );
  });
});

describe('loadPlugin accepts URLs and wraps every failure', () => {
  it('loads a plugin from a file URL object', async () => {
    const registry = new HookRegistry();
    const plugin = await registry.loadPlugin(pathToFileURL(fixture('default-plugin.mjs')));
    expect(plugin.name).toBe('fixture-default-plugin');
  });

  it('gives a PluginLoadError naming the file when hooks() throws, not a raw TypeError (hooks-throws finding)', async () => {
    const registry = new HookRegistry();
    const attempt = registry.loadPlugin(fixture('hooks-throws.mjs'));
    await expect(attempt).rejects.toSatisfy((error) => PluginLoadError.isInstance(error));
    await expect(attempt).rejects.toThrow(
      /hooks-throws\.mjs': plugin 'fixture-hooks-throws': hooks\(\) threw/,
    );
    expect(registry.stats().hooks).toBe(0);
    expect(registry.plugins()).toEqual([]);
  });

  it('gives a HookRegistrationError when a registered plugin object has a throwing hooks()', async () => {
    const plugin = {
      name: 'inline',
      version: '1.0.0',
      hooks(): never {
        throw new Error('no config');
      },
    };
    await expect(new HookRegistry().registerPlugin(plugin)).rejects.toSatisfy((error) =>
      HookRegistrationError.isInstance(error),
    );
  });

  it('refuses a specifier that is neither a string nor a URL with a PluginLoadError', async () => {
    await expect(new HookRegistry().loadPlugin(42 as never)).rejects.toThrow(
      /must be a URL, a path or a package name/,
    );
  });
});
