/**
 * Inputs that break the contract in another package today. Each is reported with a reproduction in README.md
 * ("Known defects"); the properties leave out exactly these inputs so that the suite stays green while the
 * packages are fixed. `FUZZ_KNOWN_DEFECTS=include` runs the whole input space (`pnpm test:known-defects`):
 * it fails until every defect below is fixed, and then the entry can go.
 */
const included = process.env.FUZZ_KNOWN_DEFECTS === 'include';

/** True for an object without a prototype: it has no `toString`, so `String(value)` throws on it. */
export function isNullPrototypeObject(value: unknown): boolean {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === null;
}

const unless =
  <A extends unknown[]>(predicate: (...args: A) => boolean) =>
  (...args: A): boolean =>
    !included && predicate(...args);

export const knownDefects = {
  /** hook-logging: `new LoggingHook('x', null)` throws TypeError "Cannot read properties of null (reading 'logInputs')". */
  loggingHookNullOptions: unless((options: unknown) => options === null),
  /**
   * hook-logging: a null-prototype option value throws TypeError "Cannot convert object to primitive value"
   * (`String(value)` in the issue message; `logger[level]` for `level`).
   */
  loggingHookNullPrototypeValue: unless(
    (options: unknown) =>
      typeof options === 'object' && options !== null && Object.values(options).some(isNullPrototypeObject),
  ),
  /** hook-redis-cache: `new CachingHook(null)` throws TypeError "Cannot destructure property 'store' of 'options'". */
  cachingHookNullOptions: unless((options: unknown) => options === null),
  /** hook-cost: `new RedisCostStore(null)` throws TypeError "Cannot read properties of null (reading 'evalsha')". */
  redisCostStoreNullConnection: unless((connection: unknown) => connection === null),
  /** registry: `register(point, hook, Object.create(null))` throws TypeError from `String(priority)`. */
  registryNullPrototypePriority: unless((priority: unknown) => isNullPrototypeObject(priority)),
  /**
   * executor: a hook that returns (synchronously) an object whose reads throw makes `execute()` reject
   * (`isThenable` / `HookResult.isHookResult` in point-run.ts run outside any try); one that throws or rejects
   * with such an object makes `toError` throw (`instanceof` on a revoked proxy, `String(value)`); one whose
   * promise resolves to an object with a throwing `type` getter leaves `execute()` pending forever, with an
   * unhandled rejection.
   */
  executorHostileValue: unless(
    (kind: string, hostile: 'revoked-proxy' | 'throwing-object' | undefined) =>
      hostile === 'throwing-object' ||
      (hostile === 'revoked-proxy' && kind !== 'resolve' && kind !== 'until-aborted'),
  ),
};
