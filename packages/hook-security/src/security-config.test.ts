import { HookConfigError, LlmspellError } from '@llmspell/core';
import { describe, expect, it } from 'vitest';
import { SecurityConfig as Presets, type SecurityConfig } from './security-config.js';
import { SecurityValidationHook } from './security-validation-hook.js';

function configError(config: unknown): HookConfigError {
  try {
    new SecurityValidationHook(config as SecurityConfig);
  } catch (error) {
    if (HookConfigError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a HookConfigError');
}

describe('configuration validation', () => {
  it('lists every bad field with its path', () => {
    const error = configError({
      strictMode: 'yes',
      maxInputLength: -5,
      detectors: { sqlInjection: 1, pii: 'no' },
      blockedPatterns: ['ok', 42],
      logger: console.log,
      tolerance: 3,
    });
    expect(error).toBeInstanceOf(LlmspellError);
    expect(error.issues.map((issue) => issue.path).sort()).toEqual([
      '/blockedPatterns/1',
      '/detectors/pii',
      '/detectors/sqlInjection',
      '/logger',
      '/maxInputLength',
      '/strictMode',
      '/tolerance',
    ]);
    expect(error.issues).toContainEqual({
      path: '/maxInputLength',
      message: 'maxInputLength must be >= 1, got -5',
    });
    expect(error.issues).toContainEqual({
      path: '/tolerance',
      message: expect.stringMatching(
        /^is not a known option; the options are id, strictMode, maxInputLength, /,
      ),
    });
    expect(error.message).toContain('Invalid SecurityValidationHook configuration (7 problems)');
  });

  it('accepts an empty configuration and the presets', () => {
    expect(() => new SecurityValidationHook()).not.toThrow();
    expect(() => new SecurityValidationHook(Presets.strict())).not.toThrow();
    expect(() => new SecurityValidationHook(Presets.lenient())).not.toThrow();
  });

  it('gives the presets their mode and keeps overrides', () => {
    expect(Presets.strict().strictMode).toBe(true);
    expect(Presets.lenient().strictMode).toBe(false);
    expect(Presets.strict({ maxInputLength: 500 }).maxInputLength).toBe(500);
  });

  it('refuses a blocked pattern that is not a valid regular expression', () => {
    const error = configError({ blockedPatterns: ['(unclosed'] });
    expect(error.issues).toEqual([
      { path: '/blockedPatterns/0', message: expect.stringContaining('is not a valid regular expression') },
    ]);
  });

  it('refuses a blocked pattern that matches the empty string', () => {
    const error = configError({ blockedPatterns: [/x*/] });
    expect(error.issues[0]?.message).toContain('/x*/ matches the empty string');
  });
});

describe('ReDoS-prone user patterns', () => {
  it.each([
    ['(a+)+$', 'exponential'],
    ['(.*a){20}', 'polynomial'],
  ])(
    'refuses %s at construction, naming it (%s backtracking)',
    (source) => {
      const error = configError({ blockedPatterns: ['harmless', source] });
      expect(error.issues).toHaveLength(1);
      expect(error.issues[0]?.path).toBe('/blockedPatterns/1');
      expect(error.issues[0]?.message).toContain(`/${source}/i can backtrack catastrophically`);
      expect(error.message).toContain(source);
    },
    60_000,
  );

  it('refuses a RegExp object that is ReDoS-prone', () => {
    const error = configError({ blockedPatterns: [/^(\w+\s?)+$/] });
    expect(error.issues[0]?.message).toContain('can backtrack catastrophically');
  }, 60_000);

  it('refuses a ReDoS-prone pattern inside a tool schema', () => {
    const error = configError({
      toolSchemas: {
        lookup: { type: 'object', properties: { id: { type: 'string', pattern: '^(a|a)*$' } } },
      },
    });
    expect(error.issues).toEqual([
      { path: '/toolSchemas/lookup', message: expect.stringContaining('can backtrack catastrophically') },
    ]);
  }, 60_000);

  it('accepts linear patterns', () => {
    const hook = new SecurityValidationHook({
      blockedPatterns: ['project\\s+falcon', /\bticket-\d{4,8}\b/, 'rm -rf'],
    });
    expect(hook.validate({ text: 'see ticket-12345' })).toHaveLength(1);
  }, 60_000);
});
