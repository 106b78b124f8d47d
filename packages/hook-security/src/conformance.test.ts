import { HookPoint } from '@llmspell/core';
import { hookConformanceSuite } from '@llmspell/testing';
import { describe, it } from 'vitest';
import { SecurityValidationHook } from './security-validation-hook.js';

describe('SecurityValidationHook conformance', () => {
  hookConformanceSuite(
    it,
    () =>
      new SecurityValidationHook({
        detectors: { sqlInjection: true, promptInjection: true, pii: true },
        blockedPatterns: ['internal-\\d+'],
        toolSchemas: { 'conformance-agent': { type: 'object' } },
      }),
    { points: [HookPoint.BeforeAgentExecution, HookPoint.BeforeToolExecution] },
  );
});
