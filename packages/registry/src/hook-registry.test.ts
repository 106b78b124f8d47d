import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  coreVersion,
  type Hook,
  HookPoint,
  HookRegistrationError,
  HookResult,
  PluginLoadError,
  Priority,
} from '@llmspell/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { HookPlugin } from './hook-plugin.js';
import { HookRegistry } from './hook-registry.js';

const fixture = (name: string) => fileURLToPath(new URL(`./__fixtures__/plugins/${name}`, import.meta.url));

function hook(id: string, extra: Partial<Hook> = {}): Hook {
  return { id, execute: () => HookResult.continue(), ...extra };
}

function lifecycleHook(id: string) {
  const calls = { register: 0, unregister: 0 };
  const value: Hook = {
    id,
    execute: () => HookResult.continue(),
    onRegister: async () => {
      calls.register++;
    },
    onUnregister: async () => {
      calls.unregister++;
    },
  };
  return { hook: value, calls };
}

const ids = (registry: HookRegistry, point: HookPoint) => registry.hooksFor(point).map((entry) => entry.id);

describe('HookRegistry ordering', () => {
  it('runs lower priorities first and keeps registration order for ties', async () => {
    const registry = new HookRegistry();
    await registry.register(HookPoint.BeforeAgentExecution, hook('normal-1'));
    await registry.register(HookPoint.BeforeAgentExecution, hook('low'), Priority.Low);
    await registry.register(HookPoint.BeforeAgentExecution, hook('highest'), Priority.Highest);
    await registry.register(HookPoint.BeforeAgentExecution, hook('normal-2'), Priority.Normal);
    await registry.register(
      HookPoint.BeforeAgentExecution,
      hook('from-metadata', { metadata: () => ({ priority: -5 }) }),
    );
    expect(ids(registry, HookPoint.BeforeAgentExecution)).toEqual([
      'highest',
      'from-metadata',
      'normal-1',
      'normal-2',
      'low',
    ]);
  });

  it('orders any set of priorities stably (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 30 }), async (priorities) => {
        const registry = new HookRegistry();
        for (const [index, priority] of priorities.entries()) {
          await registry.register(HookPoint.SessionStart, hook(`h${index}`), priority);
        }
        const expected = priorities
          .map((priority, index) => ({ priority, index }))
          .sort((a, b) => a.priority - b.priority || a.index - b.index)
          .map(({ index }) => `h${index}`);
        expect(ids(registry, HookPoint.SessionStart)).toEqual(expected);
      }),
      { numRuns: 50 },
    );
  });

  it('hooksFor is cached until something changes, and empty points share one frozen array', async () => {
    const registry = new HookRegistry();
    await registry.register(HookPoint.ToolError, hook('a'));
    const first = registry.hooksFor(HookPoint.ToolError);
    expect(registry.hooksFor(HookPoint.ToolError)).toBe(first);
    await registry.register(HookPoint.ToolError, hook('b'));
    expect(registry.hooksFor(HookPoint.ToolError)).not.toBe(first);
    expect(registry.hooksFor(HookPoint.SessionEnd)).toBe(registry.hooksFor(HookPoint.SessionSave));
    expect(Object.isFrozen(registry.hooksFor(HookPoint.SessionEnd))).toBe(true);
  });
});

describe('HookRegistry registration rules', () => {
  it('refuses a duplicate id at one point with a clear HookRegistrationError, but allows it at another', async () => {
    const registry = new HookRegistry();
    await registry.register(HookPoint.BeforeAgentExecution, hook('guard'));
    await expect(registry.register(HookPoint.BeforeAgentExecution, hook('guard'))).rejects.toThrow(
      /already registered at BeforeAgentExecution; unregister it first/,
    );
    await expect(registry.register(HookPoint.AfterAgentExecution, hook('guard'))).resolves.toBeUndefined();
  });

  it('refuses malformed hooks, points and priorities with typed errors', async () => {
    const registry = new HookRegistry();
    const refusals: [unknown, unknown, unknown][] = [
      ['NoSuchPoint', hook('a'), undefined],
      [HookPoint.SessionEnd, { execute: () => HookResult.continue() }, undefined],
      [HookPoint.SessionEnd, { id: 'no-execute' }, undefined],
      [HookPoint.SessionEnd, hook('a'), 1.5],
      [HookPoint.SessionEnd, hook('a'), Number.POSITIVE_INFINITY],
      [HookPoint.SessionEnd, null, undefined],
    ];
    for (const [point, value, priority] of refusals) {
      const attempt = registry.register(point as HookPoint, value as Hook, priority as number);
      await expect(attempt).rejects.toSatisfy((error) => HookRegistrationError.isInstance(error));
    }
    expect(registry.stats().hooks).toBe(0);
  });

  it('refuses a streamHoldBackChars that is not an integer of at least 0, naming the hook', async () => {
    const registry = new HookRegistry();
    for (const value of [-1, 1.5, Number.NaN, '64', Number.POSITIVE_INFINITY]) {
      const guard = hook('guard', { metadata: () => ({ streamHoldBackChars: value as number }) });
      await expect(registry.register(HookPoint.AgentStreamChunk, guard)).rejects.toThrow(
        /hook 'guard' metadata: streamHoldBackChars must be an integer of at least 0/,
      );
    }
    expect(registry.stats().hooks).toBe(0);
    const accepted = hook('guard', { metadata: () => ({ streamHoldBackChars: 64 }) });
    await registry.register(HookPoint.AgentStreamChunk, accepted);
    expect(registry.hooksFor(HookPoint.AgentStreamChunk)[0]?.metadata.streamHoldBackChars).toBe(64);
  });

  it('calls onRegister once when a hook first joins and onUnregister once when it leaves the last point', async () => {
    const registry = new HookRegistry();
    const { hook: shared, calls } = lifecycleHook('shared');
    await registry.register(HookPoint.BeforeAgentExecution, shared);
    await registry.register(HookPoint.AfterAgentExecution, shared);
    expect(calls).toEqual({ register: 1, unregister: 0 });
    expect(await registry.unregister(HookPoint.BeforeAgentExecution, 'shared')).toBe(true);
    expect(calls.unregister).toBe(0);
    expect(await registry.unregister(HookPoint.AfterAgentExecution, 'shared')).toBe(true);
    expect(calls).toEqual({ register: 1, unregister: 1 });
    expect(await registry.unregister(HookPoint.AfterAgentExecution, 'shared')).toBe(false);
  });

  it('calls onRegister once for concurrent registrations of one hook', async () => {
    const registry = new HookRegistry();
    const { hook: shared, calls } = lifecycleHook('shared');
    await Promise.all([
      registry.register(HookPoint.BeforeAgentExecution, shared),
      registry.register(HookPoint.AfterAgentExecution, shared),
      registry.register(HookPoint.AgentError, shared),
    ]);
    expect(calls.register).toBe(1);
    expect(registry.stats().hooks).toBe(3);
  });

  it('never calls onRegister for a refused registration, and a failing onRegister refuses it', async () => {
    const registry = new HookRegistry();
    await registry.register(HookPoint.BeforeAgentExecution, hook('taken'));
    const { hook: duplicate, calls } = lifecycleHook('taken');
    await expect(registry.register(HookPoint.BeforeAgentExecution, duplicate)).rejects.toThrow(
      HookRegistrationError,
    );
    expect(calls.register).toBe(0);
    const failing = hook('failing', {
      onRegister: () => {
        throw new Error('cannot connect');
      },
    });
    await expect(registry.register(HookPoint.BeforeAgentExecution, failing)).rejects.toThrow(
      /refused registration: its onRegister\(\) failed: cannot connect/,
    );
    expect(ids(registry, HookPoint.BeforeAgentExecution)).toEqual(['taken']);
  });

  it('registerMultiple is all or nothing', async () => {
    const registry = new HookRegistry();
    const first = lifecycleHook('first');
    const failing = hook('second', {
      onRegister: () => Promise.reject(new Error('no')),
    });
    await expect(
      registry.registerMultiple([
        [HookPoint.BeforeAgentExecution, first.hook],
        [HookPoint.AfterAgentExecution, failing],
      ]),
    ).rejects.toThrow(HookRegistrationError);
    expect(registry.stats().hooks).toBe(0);
    expect(first.calls).toEqual({ register: 1, unregister: 1 });

    await expect(
      registry.registerMultiple([
        [HookPoint.BeforeAgentExecution, hook('x')],
        [HookPoint.BeforeAgentExecution, hook('x')],
      ]),
    ).rejects.toThrow(/entry 1: a hook with id 'x' is already registered/);
    expect(registry.stats().hooks).toBe(0);
  });

  it('wraps a failing onUnregister in a HookRegistrationError after removing the hook', async () => {
    const registry = new HookRegistry();
    await registry.register(
      HookPoint.SessionEnd,
      hook('sticky', {
        onUnregister: () => {
          throw new Error('socket busy');
        },
      }),
    );
    await expect(registry.unregister(HookPoint.SessionEnd, 'sticky')).rejects.toThrow(
      /onUnregister\(\) failed/,
    );
    expect(registry.hooksFor(HookPoint.SessionEnd)).toEqual([]);
  });
});

describe('HookRegistry enable/disable and stats', () => {
  it('disables one hook at one point, and every hook globally', async () => {
    const registry = new HookRegistry();
    await registry.register(HookPoint.BeforeAgentExecution, hook('a'));
    await registry.register(HookPoint.BeforeAgentExecution, hook('b'));
    registry.setEnabled(HookPoint.BeforeAgentExecution, 'a', false);
    expect(ids(registry, HookPoint.BeforeAgentExecution)).toEqual(['b']);
    registry.setEnabled(HookPoint.BeforeAgentExecution, 'a', true);
    expect(ids(registry, HookPoint.BeforeAgentExecution)).toEqual(['a', 'b']);
    registry.setGlobalEnabled(false);
    expect(ids(registry, HookPoint.BeforeAgentExecution)).toEqual([]);
    registry.setGlobalEnabled(true);
    expect(ids(registry, HookPoint.BeforeAgentExecution)).toEqual(['a', 'b']);
    expect(() => registry.setEnabled(HookPoint.BeforeAgentExecution, 'missing', false)).toThrow(
      /no hook 'missing' is registered at BeforeAgentExecution/,
    );
  });

  it('stats counts points and registrations', async () => {
    const registry = new HookRegistry();
    const shared = hook('shared');
    await registry.register(HookPoint.BeforeAgentExecution, shared);
    await registry.register(HookPoint.AfterAgentExecution, shared);
    await registry.register(HookPoint.AfterAgentExecution, hook('other'));
    expect(registry.stats()).toEqual({
      points: 2,
      hooks: 3,
      byPoint: { BeforeAgentExecution: 1, AfterAgentExecution: 2 },
    });
  });
});

describe('HookRegistry plugins', () => {
  const plugin = (name: string, extra: Partial<HookPlugin> = {}): HookPlugin => ({
    name,
    version: '1.0.0',
    hooks: () => [
      [HookPoint.BeforeAgentExecution, hook(`${name}-before`)],
      [HookPoint.AfterAgentExecution, hook(`${name}-after`), Priority.Low],
    ],
    ...extra,
  });

  it('registers and unregisters every hook of a plugin', async () => {
    const registry = new HookRegistry();
    await registry.registerPlugin(plugin('audit'));
    expect(registry.stats().hooks).toBe(2);
    expect(registry.plugins().map((registered) => registered.name)).toEqual(['audit']);
    await registry.unregisterPlugin('audit');
    expect(registry.stats().hooks).toBe(0);
    await expect(registry.unregisterPlugin('audit')).rejects.toThrow(/no plugin named 'audit'/);
  });

  it('refuses a duplicate plugin name and leaves no trace of a failed plugin', async () => {
    const registry = new HookRegistry();
    await registry.registerPlugin(plugin('audit'));
    await expect(registry.registerPlugin(plugin('audit'))).rejects.toThrow(/already registered/);
    const clash = plugin('clash', { hooks: () => [[HookPoint.BeforeAgentExecution, hook('audit-before')]] });
    await expect(registry.registerPlugin(clash)).rejects.toThrow(HookRegistrationError);
    expect(registry.plugins()).toHaveLength(1);
  });

  it('checks the declared @llmspell/core range before registering anything', async () => {
    const registry = new HookRegistry();
    await expect(registry.registerPlugin(plugin('future', { coreVersion: '^99.0.0' }))).rejects.toThrow(
      new RegExp(
        `built for @llmspell/core \\^99\\.0\\.0, but ${coreVersion.replace(/\./g, '\\.')} is installed`,
      ),
    );
    await expect(registry.registerPlugin(plugin('garbled', { coreVersion: 'not a range' }))).rejects.toThrow(
      /coreVersion must be a version range such as/,
    );
    await expect(registry.registerPlugin(plugin('hyphen', { coreVersion: '0.1.0 - 0.3.0' }))).rejects.toThrow(
      /got "0\.1\.0 - 0\.3\.0"/,
    );
    await registry.registerPlugin(plugin('current', { coreVersion: `^${coreVersion}` }));
    expect(registry.stats().hooks).toBe(2);
  });

  it('refuses a plugin without a name, version or hooks()', async () => {
    const registry = new HookRegistry();
    await expect(registry.registerPlugin({ version: '1', hooks: () => [] } as never)).rejects.toThrow(/name/);
    await expect(registry.registerPlugin({ name: 'x', hooks: () => [] } as never)).rejects.toThrow(/version/);
  });
});

describe('HookRegistry.loadPlugin', () => {
  it('loads a module whose default export is a plugin', async () => {
    const registry = new HookRegistry();
    const loaded = await registry.loadPlugin(fixture('default-plugin.mjs'));
    expect(loaded.name).toBe('fixture-default-plugin');
    expect(ids(registry, HookPoint.BeforeAgentExecution)).toEqual(['fixture-audit']);
    expect(registry.hooksFor(HookPoint.BeforeAgentExecution)[0]?.priority).toBe(5);
  });

  it('loads a module exporting createPlugin()', async () => {
    const registry = new HookRegistry();
    await registry.loadPlugin(fixture('create-plugin.mjs'));
    expect(ids(registry, HookPoint.ToolError)).toEqual(['fixture-tool-error']);
  });

  it('loads a createHook() module with its point and priority in metadata', async () => {
    const registry = new HookRegistry();
    const loaded = await registry.loadPlugin(fixture('create-hook.mjs'));
    expect(loaded).toMatchObject({ name: 'single', version: '2.0.0' });
    const [entry] = registry.hooksFor(HookPoint.BeforeToolExecution);
    expect(entry).toMatchObject({ id: 'fixture-single-hook', priority: -100 });
  });

  it('loads a CommonJS createHook() module with an exported hookPoint', async () => {
    const registry = new HookRegistry();
    await registry.loadPlugin(fixture('create-hook-exported-point.cjs'));
    expect(registry.hooksFor('custom:billing')[0]).toMatchObject({ id: 'fixture-cjs-hook', priority: 7 });
  });

  const broken: [string, RegExp][] = [
    ['broken-no-exports.mjs', /expected a default export that is a HookPlugin .* it exports 'helper'/],
    ['broken-default-shape.mjs', /its default export is an object without a hooks\(\) method/],
    [
      'broken-hook-without-point.mjs',
      /without a hook point: export 'hookPoint' or put 'point' in its metadata\(\)/,
    ],
    ['factory-throws.mjs', /its factory threw: missing API key for plugin/],
    ['does-not-exist.mjs', /the module could not be imported/],
  ];
  for (const [file, message] of broken) {
    it(`gives a PluginLoadError naming the file and what was missing: ${file}`, async () => {
      const registry = new HookRegistry();
      const attempt = registry.loadPlugin(fixture(file));
      await expect(attempt).rejects.toSatisfy((error) => PluginLoadError.isInstance(error));
      await expect(attempt).rejects.toThrow(message);
      await expect(attempt).rejects.toThrow(file);
      expect(registry.stats().hooks).toBe(0);
    });
  }

  it('gives a PluginLoadError for a module that does not parse', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'llmspell-plugin-'));
    const file = join(directory, 'syntax-error.mjs');
    writeFileSync(file, 'export default {\n');
    await expect(new HookRegistry().loadPlugin(file)).rejects.toThrow(
      /syntax-error\.mjs': the module could not be imported/,
    );
  });

  it('refuses an incompatible plugin module with a PluginLoadError naming the file', async () => {
    const attempt = new HookRegistry().loadPlugin(fixture('incompatible-plugin.mjs'));
    await expect(attempt).rejects.toSatisfy((error) => PluginLoadError.isInstance(error));
    await expect(attempt).rejects.toThrow(
      /incompatible-plugin\.mjs': .*built for @llmspell\/core \^99\.0\.0/,
    );
  });
});
