import {
  type Hook,
  type HookContext,
  type HookMetadata,
  HookRegistrationError,
  HookResult,
} from '@llmspell/core';
import { InvalidHookResultError } from './errors/invalid-hook-result-error.js';
import { isThenable } from './is-thenable.js';

const CONTINUE = HookResult.continue();

/**
 * A hook made of hooks: runs them in order against the same context and answers with the first result that is
 * not `continue` (chain of responsibility), or `continue` when all continue. Note that `modified` and `skipped`
 * are not `continue`, so they end the chain too. Sync while its hooks answer synchronously.
 */
export class HookChain implements Hook {
  readonly id: string;
  readonly hooks: readonly Hook[];
  readonly #metadata: HookMetadata;

  constructor(id: string, hooks: readonly Hook[], metadata: HookMetadata = {}) {
    if (typeof id !== 'string' || id.length === 0) {
      throw new HookRegistrationError('HookChain needs a non-empty string id');
    }
    if (!Array.isArray(hooks)) {
      throw new HookRegistrationError(`HookChain '${id}' needs an array of hooks`);
    }
    hooks.forEach((hook: unknown, index) => {
      const candidate = hook as Partial<Hook> | null;
      if (candidate === null || typeof candidate !== 'object' || typeof candidate.execute !== 'function') {
        throw new HookRegistrationError(`HookChain '${id}': entry ${index} is not a hook with execute()`);
      }
    });
    this.id = id;
    this.hooks = Object.freeze([...hooks]);
    this.#metadata = { name: id, ...metadata };
  }

  metadata(): HookMetadata {
    return this.#metadata;
  }

  execute(context: HookContext): HookResult | Promise<HookResult> {
    return this.#runFrom(0, context);
  }

  /** Registers the inner hooks' lifecycles with the chain's. */
  async onRegister(): Promise<void> {
    for (const hook of this.hooks) await hook.onRegister?.();
  }

  /** Releases every inner hook, even when one of them fails; the first failure is rethrown. */
  async onUnregister(): Promise<void> {
    const results = await Promise.allSettled(this.hooks.map(async (hook) => hook.onUnregister?.()));
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }

  #runFrom(start: number, context: HookContext): HookResult | Promise<HookResult> {
    for (let index = start; index < this.hooks.length; index++) {
      const hook = this.hooks[index]!;
      const answer: unknown = hook.execute(context);
      if (isThenable(answer)) {
        return Promise.resolve(answer).then(
          (value) => this.#decide(hook, value, context) ?? this.#runFrom(index + 1, context),
        );
      }
      const decided = this.#decide(hook, answer, context);
      if (decided !== undefined) return decided;
    }
    return CONTINUE;
  }

  /** The result that ends the chain, or undefined to go on. */
  #decide(hook: Hook, value: unknown, context: HookContext): HookResult | undefined {
    if (!HookResult.isHookResult(value)) {
      throw new InvalidHookResultError({
        hookId: `${this.id}/${hook.id}`,
        hookPoint: context.hookPoint,
        value,
      });
    }
    return value.type === 'continue' ? undefined : value;
  }
}
