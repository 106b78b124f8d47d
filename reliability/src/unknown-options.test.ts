import { hookedTool, hooksMiddleware } from '@llmspell/ai-sdk';
import { EventBus, HookConfigError, unknownOptionMessage } from '@llmspell/core';
import { createAgent, HookExecutor, withTiming } from '@llmspell/executor';
import { CostTrackingHook, MemoryCostStore } from '@llmspell/hook-cost';
import { LoggingHook } from '@llmspell/hook-logging';
import { RateLimitingHook } from '@llmspell/hook-rate-limit';
import { CachingHook, MemoryCacheStore } from '@llmspell/hook-redis-cache';
import { SecurityValidationHook } from '@llmspell/hook-security';
import { openTelemetryObserver } from '@llmspell/opentelemetry';
import { HookRegistry } from '@llmspell/registry';
import { describe, expect, it } from 'vitest';

/** The issue a constructor reports for the misspelt option `tiemoutMs`. */
function unknownOptionIssue(build: () => unknown): { path: string; message: string } | undefined {
  try {
    build();
  } catch (error) {
    expect(HookConfigError.isInstance(error), String(error)).toBe(true);
    return (error as HookConfigError).issues.find((issue) => issue.path.endsWith('/tiemoutMs'));
  }
  throw new Error('expected a HookConfigError for an unknown option');
}

describe('an unknown option reads the same in every package', () => {
  const registry = new HookRegistry();
  const typo = { tiemoutMs: 5 };
  const builders: [string, () => unknown][] = [
    ['EventBus', () => new EventBus(typo as never)],
    ['HookExecutor', () => new HookExecutor(registry, typo as never)],
    ['circuitBreaker', () => new HookExecutor(registry, { circuitBreaker: typo as never })],
    [
      'createAgent',
      () => createAgent({ name: 'a', registry, execute: async () => ({ text: '' }), ...typo } as never),
    ],
    ['withTiming', () => withTiming({ id: 'h', execute: () => ({ type: 'continue' }) }, typo as never)],
    ['LoggingHook', () => new LoggingHook('log', typo as never)],
    ['CachingHook', () => new CachingHook(typo as never)],
    ['MemoryCacheStore', () => new MemoryCacheStore(typo as never)],
    [
      'RateLimitingHook',
      () => new RateLimitingHook({ requestsPerWindow: 1, windowMs: 1_000, ...typo } as never),
    ],
    ['CostTrackingHook', () => new CostTrackingHook({ store: new MemoryCostStore(), ...typo } as never)],
    ['SecurityValidationHook', () => new SecurityValidationHook(typo as never)],
    ['hooksMiddleware', () => hooksMiddleware({ registry, ...typo } as never)],
    [
      'hookedTool',
      () => hookedTool({ execute: async () => 1 } as never, { registry, name: 't', ...typo } as never),
    ],
    ['openTelemetryObserver', () => openTelemetryObserver(typo as never)],
  ];
  for (const [name, build] of builders) {
    it(`${name}: "is not a known option; the options are …"`, () => {
      const issue = unknownOptionIssue(build);
      expect(issue, name).toBeDefined();
      expect(issue!.message).toMatch(/^is not a known option; the options are \w+/);
      const known = issue!.message.replace('is not a known option; the options are ', '').split(', ');
      expect(issue!.message).toBe(unknownOptionMessage(known));
    });
  }
});
