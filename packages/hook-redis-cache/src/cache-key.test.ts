import { componentId } from '@llmspell/core';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cacheKey } from './cache-key.js';

const agent = componentId('answer-agent', 'agent');
const input = { text: 'hello', options: { model: 'gpt-4', temperature: 0 } };
// SHA-256 of "12:answer-agent\n5:agent\n60:" + canonicalJson(input): keys stored by earlier releases stay valid.
const pinnedKey = 'llmspell:cache:708b73516d4fe9ca7133c20f6ac8f58bb02f7bb235ae6d3a61dd770da9af917a';

describe('cacheKey', () => {
  it('is the prefix followed by a SHA-256 hex digest', () => {
    expect(cacheKey(agent, { text: 'hello' })).toMatch(/^llmspell:cache:[0-9a-f]{64}$/);
    expect(cacheKey(agent, { text: 'hello' }, 'app:v2:')).toMatch(/^app:v2:[0-9a-f]{64}$/);
  });

  it('keeps the key format of earlier releases', () => {
    expect(cacheKey(agent, input)).toBe(pinnedKey);
  });

  describe('on Node releases without crypto.hash', () => {
    afterEach(() => {
      vi.doUnmock('node:crypto');
      vi.resetModules();
    });

    it('gives the same keys through a Hash object', async () => {
      vi.resetModules();
      const createHash = vi.fn();
      vi.doMock('node:crypto', async (importOriginal) => {
        const original = await importOriginal<typeof import('node:crypto')>();
        createHash.mockImplementation(original.createHash);
        return { ...original, hash: undefined, createHash };
      });
      const fallback = await import('./cache-key.js');
      expect(fallback.cacheKey(agent, input)).toBe(pinnedKey);
      expect(createHash).toHaveBeenCalledWith('sha256');
      expect(fallback.cacheKey(agent, 'x', 'app:v2:')).toBe(cacheKey(agent, 'x', 'app:v2:'));
    });
  });

  it('gives the same key for the same input with object keys in another order', () => {
    const first = cacheKey(agent, { text: 'hi', options: { temperature: 0, model: 'gpt-4' } });
    const second = cacheKey(agent, { options: { model: 'gpt-4', temperature: 0 }, text: 'hi' });
    expect(second).toBe(first);
  });

  it('gives different keys for different inputs, component names and component types', () => {
    const keys = new Set([
      cacheKey(agent, { text: 'hello' }),
      cacheKey(agent, { text: 'hello!' }),
      cacheKey(componentId('other-agent', 'agent'), { text: 'hello' }),
      cacheKey(componentId('answer-agent', 'tool'), { text: 'hello' }),
    ]);
    expect(keys.size).toBe(4);
  });

  it("keeps fields apart: name 'ab' + type 'c' differs from name 'a' + type 'bc'", () => {
    expect(cacheKey({ name: 'ab', componentType: 'c' }, 'x')).not.toBe(
      cacheKey({ name: 'a', componentType: 'bc' }, 'x'),
    );
    expect(cacheKey({ name: 'a', componentType: 'b' }, 'c"')).not.toBe(
      cacheKey({ name: 'a', componentType: 'b"' }, 'c'),
    );
  });

  it('never collides for different (name, type, input) triples built from the same characters', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        fc.string(),
        fc.string(),
        fc.string(),
        fc.string(),
        (a, b, c, d, e, f) => {
          fc.pre(a !== d || b !== e || c !== f);
          expect(cacheKey({ name: a, componentType: b }, c)).not.toBe(
            cacheKey({ name: d, componentType: e }, f),
          );
        },
      ),
    );
  });

  it('changes every key when the version segment of the prefix is bumped', () => {
    expect(cacheKey(agent, { text: 'hi' }, 'app:cache:v1:')).not.toBe(
      cacheKey(agent, { text: 'hi' }, 'app:cache:v2:'),
    );
  });

  it('throws a TypeError for input JSON cannot hold', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => cacheKey(agent, cyclic)).toThrow(TypeError);
  });
});
