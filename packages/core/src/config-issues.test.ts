import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { ConfigIssues, issuesFromAjv, MAX_TIMER_MS, unknownOptionMessage } from './config-issues.js';
import { HookConfigError } from './errors/hook-config-error.js';

describe('ConfigIssues', () => {
  it('collects every problem with its path and throws one HookConfigError', () => {
    const options = { ttlMs: -1, maxEntries: 1.5, mode: 'fast', logger: {}, typo: 1 } as Record<
      string,
      unknown
    >;
    const issues = new ConfigIssues()
      .unknownKeys(options, ['ttlMs', 'maxEntries', 'mode', 'logger'])
      .milliseconds(options, 'ttlMs')
      .positiveInteger(options, 'maxEntries')
      .oneOf(options, 'mode', ['reject', 'queue'])
      .methods(options, 'logger', ['warn'], 'a logger');
    expect(issues.issues).toEqual([
      { path: '/typo', message: 'is not a known option; the options are ttlMs, maxEntries, mode, logger' },
      {
        path: '/ttlMs',
        message: `must be a finite number of milliseconds above 0 and at most ${MAX_TIMER_MS}, got -1`,
      },
      { path: '/maxEntries', message: 'must be a positive integer, got 1.5' },
      { path: '/mode', message: 'must be one of "reject", "queue", got "fast"' },
      { path: '/logger', message: 'must be a logger with warn(), got an object' },
    ]);
    expect(() => issues.throwIfAny('Thing')).toThrow(HookConfigError);
    expect(() => issues.throwIfAny('Thing')).toThrow(/Invalid Thing configuration \(5 problems\)/);
  });

  it('refuses durations a timer cannot wait', () => {
    const issues = new ConfigIssues().milliseconds({ delayMs: 3e9 }, 'delayMs', { allowZero: true });
    expect(issues.issues[0]?.message).toMatch(/at least 0 and at most 2147483647, got 3000000000/);
  });

  it('treats a non-object as a problem and lets the other checks go on', () => {
    const issues = new ConfigIssues();
    expect(issues.object(null)).toEqual({});
    expect(issues.object(undefined)).toEqual({});
    expect(issues.issues).toEqual([{ path: '/', message: 'must be an options object, got null' }]);
  });

  it('passes when nothing is wrong', () => {
    expect(() =>
      new ConfigIssues().positiveInteger({ n: 3 }, 'n').milliseconds({}, 'ttlMs').throwIfAny('Thing'),
    ).not.toThrow();
  });
});

describe('issuesFromAjv', () => {
  const schema = {
    type: 'object',
    additionalProperties: false,
    properties: {
      ttlMs: { type: 'number', minimum: 0 },
      nested: { type: 'object', additionalProperties: false, properties: { a: { type: 'string' } } },
    },
    required: ['ttlMs'],
  };
  const validate = new Ajv({ allErrors: true }).compile(schema);

  it('words unknown options exactly as ConfigIssues does', () => {
    const value = { ttlMs: 1, tllMs: 2, nested: { b: 1 } };
    validate(value);
    expect(issuesFromAjv(validate.errors, value, schema)).toEqual([
      { path: '/tllMs', message: unknownOptionMessage(['ttlMs', 'nested']) },
      { path: '/nested/b', message: unknownOptionMessage(['a']) },
    ]);
    expect(new ConfigIssues().unknownKeys(value, ['ttlMs', 'nested']).issues[0]).toEqual(
      issuesFromAjv(validate.errors, value, schema)[0],
    );
  });

  it('names missing options and shows the bad value', () => {
    const value = { nested: { a: 5 } };
    validate(value);
    expect(issuesFromAjv(validate.errors, value, schema)).toEqual([
      { path: '/ttlMs', message: 'is required' },
      { path: '/nested/a', message: 'must be string, got 5' },
    ]);
  });
});
