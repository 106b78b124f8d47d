import {
  coreVersion,
  describeValue,
  type Hook,
  type HookMetadata,
  type HookPoint,
  HookRegistrationError,
  PluginLoadError,
} from '@llmspell/core';
import type { HookPlugin } from './hook-plugin.js';
import { loadPluginModule } from './load-plugin.js';
import type { RegisteredHook } from './registered-hook.js';
import { assertHook, assertPoint, assertPriority, assertStreamHoldBack } from './validate.js';
import { isVersionRange, satisfiesRange } from './version-range.js';

const EMPTY: readonly RegisteredHook[] = Object.freeze([]);

interface Entry extends RegisteredHook {
  enabled: boolean;
}

/** A (point, hook, priority?) triple, as `registerMultiple` and `HookPlugin.hooks()` take them. */
export type HookRegistration = [HookPoint, Hook, number?];

/** Registry statistics. */
export interface RegistryStats {
  /** Points with at least one hook. */
  points: number;
  /** Registrations across all points (a hook at two points counts twice). */
  hooks: number;
  byPoint: Record<string, number>;
}

function readMetadata(hook: Hook): Readonly<HookMetadata> {
  const metadata = hook.metadata?.() ?? {};
  return Object.freeze({ ...metadata });
}

/**
 * Holds hooks per hook point in priority order (lower first; ties keep registration order).
 * `hooksFor()` is cached and allocation-free between changes.
 */
export class HookRegistry {
  readonly #points = new Map<HookPoint, Entry[]>();
  readonly #ordered = new Map<HookPoint, readonly RegisteredHook[]>();
  /** How many points each hook object is registered at (for onRegister/onUnregister). */
  readonly #membership = new Map<Hook, number>();
  /** onRegister calls in flight, so concurrent registrations of one hook call it once. */
  readonly #joining = new Map<Hook, Promise<void>>();
  /** Ids reserved at a point by a registration that is awaiting onRegister. */
  readonly #reserved = new Map<HookPoint, Set<string>>();
  readonly #plugins = new Map<string, { plugin: HookPlugin; entries: HookRegistration[] }>();
  #globalEnabled = true;
  #sequence = 0;

  /** Registers `hook` at `point`; calls `onRegister` when the hook first joins this registry. */
  async register(point: HookPoint, hook: Hook, priority?: number): Promise<void> {
    await this.registerMultiple([[point, hook, priority]]);
  }

  /** Registers every entry, or none: a bad entry or a failing `onRegister` leaves the registry as it was. */
  async registerMultiple(entries: HookRegistration[]): Promise<void> {
    if (!Array.isArray(entries)) {
      throw new HookRegistrationError('registerMultiple(entries) needs an array of [point, hook, priority?]');
    }
    const batch = new Set<string>();
    entries.forEach((entry, index) => {
      const where = entries.length === 1 ? 'register' : `registerMultiple entry ${index}`;
      if (!Array.isArray(entry))
        throw new HookRegistrationError(`${where}: expected [point, hook, priority?]`);
      const [point, hook, priority] = entry;
      assertPoint(point, where);
      assertHook(hook, where);
      assertPriority(priority, where);
      const slot = `${point}\u0000${hook.id}`;
      if (batch.has(slot) || this.#isTaken(point, hook.id)) {
        throw new HookRegistrationError(
          `${where}: a hook with id '${hook.id}' is already registered at ${point}; ` +
            'unregister it first or give the new hook another id',
        );
      }
      batch.add(slot);
    });
    const prepared = entries.map(([point, hook, priority]) => {
      const metadata = readMetadata(hook);
      const effective = priority ?? metadata.priority ?? 0;
      assertPriority(effective, `hook '${hook.id}' metadata`);
      assertStreamHoldBack(metadata.streamHoldBackChars, `hook '${hook.id}' metadata`);
      return { point, hook, metadata, priority: effective };
    });

    for (const { point, hook } of prepared) this.#reserve(point, hook.id);
    const joined: Hook[] = [];
    try {
      for (const hook of new Set(prepared.map((entry) => entry.hook))) {
        if (await this.#join(hook)) joined.push(hook);
      }
    } catch (error) {
      for (const { point, hook } of prepared) this.#release(point, hook.id);
      await Promise.allSettled(joined.map(async (hook) => hook.onUnregister?.()));
      for (const hook of joined) this.#membership.delete(hook);
      throw error;
    }
    for (const { point, hook, metadata, priority } of prepared) {
      this.#release(point, hook.id);
      const list = this.#points.get(point) ?? [];
      list.push({ id: hook.id, hook, point, priority, metadata, sequence: this.#sequence++, enabled: true });
      list.sort((a, b) => a.priority - b.priority || a.sequence - b.sequence);
      this.#points.set(point, list);
      this.#membership.set(hook, (this.#membership.get(hook) ?? 0) + 1);
      this.#ordered.delete(point);
    }
  }

  /** Removes the hook `hookId` from `point`; calls `onUnregister` once it is on no point. False when absent. */
  async unregister(point: HookPoint, hookId: string): Promise<boolean> {
    const list = this.#points.get(point);
    const index = list?.findIndex((entry) => entry.id === hookId) ?? -1;
    if (!list || index === -1) return false;
    const [entry] = list.splice(index, 1);
    if (list.length === 0) this.#points.delete(point);
    this.#ordered.delete(point);
    const { hook } = entry!;
    const remaining = (this.#membership.get(hook) ?? 1) - 1;
    if (remaining > 0) {
      this.#membership.set(hook, remaining);
      return true;
    }
    this.#membership.delete(hook);
    try {
      await hook.onUnregister?.();
    } catch (error) {
      throw new HookRegistrationError(
        `Hook '${hookId}' was unregistered, but its onUnregister() failed: ${(error as Error)?.message ?? error}`,
        { cause: error },
      );
    }
    return true;
  }

  /** The enabled hooks at `point`, in run order. Cached: cheap to call on every execution. */
  hooksFor(point: HookPoint): readonly RegisteredHook[] {
    if (!this.#globalEnabled) return EMPTY;
    const cached = this.#ordered.get(point);
    if (cached) return cached;
    const list = this.#points.get(point);
    const ordered = list ? Object.freeze(list.filter((entry) => entry.enabled)) : EMPTY;
    this.#ordered.set(point, ordered);
    return ordered;
  }

  /** Enables or disables one hook at one point; throws when it is not registered there. */
  setEnabled(point: HookPoint, hookId: string, enabled: boolean): void {
    const entry = this.#points.get(point)?.find((candidate) => candidate.id === hookId);
    if (!entry) {
      throw new HookRegistrationError(`setEnabled: no hook '${hookId}' is registered at ${point}`);
    }
    entry.enabled = enabled;
    this.#ordered.delete(point);
  }

  /** Enables or disables every hook at once (a disabled registry runs no hooks). */
  setGlobalEnabled(enabled: boolean): void {
    this.#globalEnabled = enabled;
  }

  /** True unless `setGlobalEnabled(false)` was called. */
  get globalEnabled(): boolean {
    return this.#globalEnabled;
  }

  /** Registers every hook of `plugin`, all or nothing. Refuses a duplicate name or an incompatible core range. */
  async registerPlugin(plugin: HookPlugin): Promise<void> {
    const where = `plugin '${(plugin as Partial<HookPlugin>)?.name ?? '?'}'`;
    if (!plugin || typeof plugin.name !== 'string' || plugin.name.length === 0) {
      throw new HookRegistrationError('registerPlugin: a plugin needs a non-empty string name');
    }
    if (typeof plugin.version !== 'string' || typeof plugin.hooks !== 'function') {
      throw new HookRegistrationError(`${where}: a plugin needs a string 'version' and a hooks() method`);
    }
    if (this.#plugins.has(plugin.name)) {
      throw new HookRegistrationError(
        `${where} is already registered; unregisterPlugin('${plugin.name}') first`,
      );
    }
    if (plugin.coreVersion !== undefined) {
      if (typeof plugin.coreVersion !== 'string' || !isVersionRange(plugin.coreVersion)) {
        throw new HookRegistrationError(
          `${where}: coreVersion must be a version range such as '^0.1.0' or '>=0.1.0 <0.3.0' (no hyphen ranges or x wildcards), got ${JSON.stringify(plugin.coreVersion)}`,
        );
      }
      if (!satisfiesRange(coreVersion, plugin.coreVersion)) {
        throw new HookRegistrationError(
          `${where} was built for @llmspell/core ${plugin.coreVersion}, but ${coreVersion} is installed; ` +
            'upgrade the plugin or install a matching @llmspell/core',
        );
      }
    }
    let entries: unknown;
    try {
      entries = plugin.hooks();
    } catch (error) {
      throw new HookRegistrationError(`${where}: hooks() threw: ${messageOf(error)}`, { cause: error });
    }
    if (!Array.isArray(entries)) {
      throw new HookRegistrationError(`${where}: hooks() must return an array of [point, hook, priority?]`);
    }
    this.#plugins.set(plugin.name, { plugin, entries: [] });
    try {
      await this.registerMultiple(entries);
    } catch (error) {
      this.#plugins.delete(plugin.name);
      throw error;
    }
    this.#plugins.set(plugin.name, { plugin, entries: [...entries] });
  }

  /** Unregisters every hook the plugin `name` registered. Throws when no such plugin is registered. */
  async unregisterPlugin(name: string): Promise<void> {
    const registered = this.#plugins.get(name);
    if (!registered)
      throw new HookRegistrationError(`unregisterPlugin: no plugin named '${name}' is registered`);
    this.#plugins.delete(name);
    const failures: unknown[] = [];
    for (const [point, hook] of registered.entries) {
      await this.unregister(point, hook.id).catch((error: unknown) => failures.push(error));
    }
    if (failures.length > 0) throw failures[0];
  }

  /** The plugins registered, by name. */
  plugins(): readonly HookPlugin[] {
    return [...this.#plugins.values()].map((registered) => registered.plugin);
  }

  /**
   * Imports a plugin module, validates it, registers it and returns it. `specifier` is a `URL`, an absolute
   * path, a path relative to the working directory, or a package name resolved as the working directory's
   * package would import it (not from this package's folder). Accepts a default-exported `HookPlugin`, an
   * exported `createPlugin()`, or an exported `createHook()`. Every failure, registration included, is a
   * `PluginLoadError` naming the file.
   */
  async loadPlugin(specifier: string | URL): Promise<HookPlugin> {
    const { plugin, where } = await loadPluginModule(specifier);
    try {
      await this.registerPlugin(plugin);
    } catch (error) {
      throw new PluginLoadError(where, messageOf(error), { cause: error });
    }
    return plugin;
  }

  /** How many hooks are registered, per point. */
  stats(): RegistryStats {
    const byPoint: Record<string, number> = {};
    let hooks = 0;
    for (const [point, list] of this.#points) {
      byPoint[point] = list.length;
      hooks += list.length;
    }
    return { points: this.#points.size, hooks, byPoint };
  }

  #isTaken(point: HookPoint, id: string): boolean {
    return (
      this.#reserved.get(point)?.has(id) === true ||
      this.#points.get(point)?.some((entry) => entry.id === id) === true
    );
  }

  #reserve(point: HookPoint, id: string): void {
    let ids = this.#reserved.get(point);
    if (!ids) {
      ids = new Set();
      this.#reserved.set(point, ids);
    }
    ids.add(id);
  }

  #release(point: HookPoint, id: string): void {
    const ids = this.#reserved.get(point);
    ids?.delete(id);
    if (ids?.size === 0) this.#reserved.delete(point);
  }

  /** Calls onRegister if `hook` is new to this registry; true when this call did so. */
  async #join(hook: Hook): Promise<boolean> {
    if (this.#membership.has(hook)) return false;
    const inFlight = this.#joining.get(hook);
    if (inFlight) {
      await inFlight;
      return false;
    }
    const joining = (async () => {
      try {
        await hook.onRegister?.();
      } catch (error) {
        throw new HookRegistrationError(
          `Hook '${hook.id}' refused registration: its onRegister() failed: ${(error as Error)?.message ?? error}`,
          { cause: error },
        );
      }
    })();
    this.#joining.set(hook, joining);
    try {
      await joining;
      // Count it as a member at once, so a concurrent registration does not call onRegister again.
      this.#membership.set(hook, this.#membership.get(hook) ?? 0);
      return true;
    } finally {
      this.#joining.delete(hook);
    }
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : describeValue(error);
}
