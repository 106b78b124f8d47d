import { HookConfigError } from '@llmspell/core';
import fc from 'fast-check';
import { expect } from 'vitest';

/** One seed for every property, so a failure reproduces on every run (fast-check prints the counterexample). */
export const seed = 20_261_124;

/** Numbers that break naive checks: non-finite, negative zero, fractions, beyond 32 and 53 bits. */
export const awkwardNumber = fc.constantFrom(
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -0,
  0,
  -1,
  0.5,
  1.5,
  2 ** 31,
  2 ** 53 + 2,
  Number.MAX_VALUE,
  -Number.MAX_VALUE,
  1e-9,
);

/** Values a config file or a careless caller might put in any option. */
export const jsonish: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.oneof(fc.integer({ min: -10, max: 100_000 }), fc.boolean(), awkwardNumber) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'reject',
      'queue',
      'allow',
      'deny',
      'open',
      'closed',
      'info',
      'debug',
      '',
      ' ',
    ),
  },
  { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.constantFrom(undefined, null, [], {}) },
  { weight: 1, arbitrary: fc.constant(null).map(() => Object.create(null) as object) },
);

/**
 * Options objects built from the real option names: each field is either a value of its own arbitrary (often
 * valid, so the success path is reached too) or anything at all; sometimes with unknown keys added, and
 * sometimes not an object at all.
 */
export function optionsOf(fields: Record<string, fc.Arbitrary<unknown>>): fc.Arbitrary<unknown> {
  const model = Object.fromEntries(
    Object.entries(fields).map(([name, arbitrary]) => [
      name,
      fc.oneof({ weight: 3, arbitrary }, { weight: 1, arbitrary: jsonish }),
    ]),
  );
  const record = fc.record(model, { requiredKeys: [] });
  return fc.oneof(
    { weight: 6, arbitrary: record },
    {
      weight: 1,
      arbitrary: fc
        .tuple(record, fc.dictionary(fc.string({ maxLength: 6 }), jsonish, { maxKeys: 2 }))
        .map(([known, unknown]) => ({ ...unknown, ...known })),
    },
    { weight: 1, arbitrary: jsonish },
  );
}

/** A pino-shaped logger that writes nothing. */
export const quietLogger = { debug() {}, info() {}, warn() {}, error() {} };

/** Loggers, valid and not. */
export const loggerValue = fc.constantFrom<unknown>(quietLogger, { warn() {} }, { info: 1 }, console);

/** How often a fuzzed constructor worked and how often it refused its input. */
export interface Tally {
  worked: number;
  refused: number;
}

export const newTally = (): Tally => ({ worked: 0, refused: 0 });

/**
 * Runs `build`; a throw must be a `HookConfigError` whose issues each have a `/` path and a message.
 * Returns what `build` returned, or undefined after a config error.
 */
export async function configErrorOrValue<T>(
  build: () => T | Promise<T>,
  tally: Tally,
): Promise<T | undefined> {
  try {
    const value = await build();
    tally.worked += 1;
    return value;
  } catch (error) {
    tally.refused += 1;
    if (!HookConfigError.isInstance(error)) {
      throw new Error(
        `expected a HookConfigError or success, got ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
        { cause: error },
      );
    }
    expect(error.issues.length).toBeGreaterThan(0);
    for (const issue of error.issues) {
      expect(issue.path).toMatch(/^\//);
      expect(typeof issue.message).toBe('string');
      expect(issue.message.length).toBeGreaterThan(0);
    }
    return undefined;
  }
}
