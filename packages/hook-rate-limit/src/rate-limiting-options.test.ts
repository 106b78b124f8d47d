import { HookConfigError } from '@llmspell/core';
import { describe, expect, it } from 'vitest';
import { RateLimitingHook } from './rate-limiting-hook.js';
import type { RateLimitingOptions } from './rate-limiting-options.js';

function issuesOf(options: unknown): Array<{ path: string; message: string }> {
  try {
    new RateLimitingHook(options as RateLimitingOptions);
  } catch (error) {
    expect(HookConfigError.isInstance(error)).toBe(true);
    return [...(error as HookConfigError).issues];
  }
  throw new Error('expected a HookConfigError');
}

describe('RateLimitingHook configuration', () => {
  it('requires requestsPerWindow and windowMs, naming both', () => {
    expect(issuesOf({}).map((issue) => issue.path)).toEqual(['/requestsPerWindow', '/windowMs']);
  });

  it('lists every bad field at once, with the ajv path and what to give instead', () => {
    const issues = issuesOf({
      requestsPerWindow: 0,
      windowMs: 1.5,
      mode: 'burst',
      maxConcurrent: -2,
      storeTimeoutMs: 'soon',
      onStoreError: 'maybe',
      byUser: 'yes',
      permitTimeoutMs: 0,
      keyPrefix: 5,
    });
    expect(issues.map((issue) => issue.path).sort()).toEqual(
      [
        '/byUser',
        '/keyPrefix',
        '/maxConcurrent',
        '/mode',
        '/onStoreError',
        '/permitTimeoutMs',
        '/requestsPerWindow',
        '/storeTimeoutMs',
        '/windowMs',
      ].sort(),
    );
    const windowIssue = issues.find((issue) => issue.path === '/windowMs');
    expect(windowIssue?.message).toBe(
      'must be integer: give a positive integer number of milliseconds, at most 2147483647, got 1.5',
    );
    expect(issues.find((issue) => issue.path === '/mode')?.message).toContain("'reject' or 'queue'");
  });

  it('refuses an unknown option, so a misspelt one is not silently ignored', () => {
    const issues = issuesOf({ requestsPerWindow: 1, windowMs: 1_000, maxConcurent: 2 });
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('/maxConcurent');
    expect(issues[0]?.message).toMatch(
      /^is not a known option; the options are requestsPerWindow, windowMs, /,
    );
  });

  it('refuses a window longer than a timer can wait, which would sweep every millisecond', () => {
    expect(issuesOf({ requestsPerWindow: 1, windowMs: 3e9 }).map((issue) => issue.path)).toEqual([
      '/windowMs',
    ]);
  });

  it('refuses queue-only options in reject mode', () => {
    const issues = issuesOf({ requestsPerWindow: 1, windowMs: 1_000, minTimeMs: 10, maxWaitMs: 100 });
    expect(issues.map((issue) => issue.path)).toEqual(['/maxWaitMs', '/minTimeMs']);
    expect(issues[0]?.message).toContain("mode: 'queue'");
  });

  it('accepts ioredis options (TLS, Sentinel) like the other Redis pieces, and refuses an empty URL', () => {
    const hook = new RateLimitingHook({
      requestsPerWindow: 1,
      windowMs: 1_000,
      redis: { host: '127.0.0.1', port: 1, tls: {} },
    });
    expect(hook.id).toBe('rate-limiter');
    void hook.onUnregister();
    expect(issuesOf({ requestsPerWindow: 1, windowMs: 1_000, redis: '' }).map((issue) => issue.path)).toEqual(
      ['/redis'],
    );
  });

  it('refuses a missing options object with a message saying to pass one', () => {
    expect(issuesOf(undefined)).toEqual([{ path: '/', message: 'must be object: pass an options object' }]);
  });

  it('treats an option given as undefined as not given', async () => {
    const hook = new RateLimitingHook({
      requestsPerWindow: 1,
      windowMs: 1_000,
      redis: undefined,
      maxConcurrent: undefined,
    });
    expect(hook.metadata().timeoutMs).toBeUndefined();
    await hook.onUnregister();
  });

  it('accepts a full valid queue configuration', () => {
    expect(
      () =>
        new RateLimitingHook({
          requestsPerWindow: 10,
          windowMs: 1_000,
          byComponent: false,
          byUser: true,
          maxConcurrent: 2,
          mode: 'queue',
          maxWaitMs: 0,
          minTimeMs: 5,
          keyPrefix: 'app:',
          storeTimeoutMs: 200,
          onStoreError: 'deny',
          permitTimeoutMs: 1_000,
        }),
    ).not.toThrow();
  });
});
