import { describe, expect, it } from 'vitest';
import { approximateTokens, estimateTokens, estimateUsedTokens } from './token-estimate.js';

describe('estimateTokens', () => {
  it('counts one input token per UTF-8 byte of the input text and the requested maximum output', () => {
    expect(estimateTokens({ input: { text: 'héllo' }, maxTokens: 100 })).toEqual({ input: 6, output: 100 });
    expect(estimateTokens({ input: 'plain' })).toEqual({ input: 5, output: 0 });
  });

  it('measures the whole prompt of an AI SDK call and reads its maxOutputTokens setting', () => {
    const messages = [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }];
    const estimate = estimateTokens({ input: { text: 'hi', messages, settings: { maxOutputTokens: 50 } } });
    expect(estimate).toEqual({ input: JSON.stringify(messages).length, output: 50 });
  });

  it('ignores a maximum that is not a count and an input it cannot serialise, never throwing', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(estimateTokens({ input: cyclic, maxTokens: -1 })).toEqual({ input: 0, output: 0 });
    expect(estimateTokens({ maxTokens: Number.NaN })).toEqual({ input: 0, output: 0 });
    expect(estimateTokens({ input: { text: 'ab' }, maxTokens: 1.5 })).toEqual({ input: 2, output: 0 });
  });

  it('counts a prompt reusing one sub-object at every level as too large for any limit, without writing its JSON (shared-reference attack)', () => {
    let reads = 0;
    let shared: unknown = { type: 'text', text: 'hello' };
    for (let level = 0; level < 40; level++) {
      const below = shared;
      shared = {
        get left() {
          reads++;
          return below;
        },
        get right() {
          reads++;
          return below;
        },
      };
    }
    const messages = [{ role: 'user', content: [{ type: 'text', text: 'hi', providerOptions: shared }] }];
    expect(estimateTokens({ input: { messages } })).toEqual({ input: Number.MAX_SAFE_INTEGER, output: 0 });
    // Each member is read once to size the distinct objects; writing the JSON never returned.
    expect(reads).toBeLessThanOrEqual(2 * 40);
  });

  it('measures a prompt with a few shared parts exactly as the same prompt without sharing', () => {
    const part = { type: 'text', text: 'the same part' };
    const messages = [
      { role: 'user', content: [part, part] },
      { role: 'assistant', content: [part] },
    ];
    expect(estimateTokens({ input: { messages } }).input).toBe(JSON.stringify(messages).length);
  });
});

describe('file parts in a prompt', () => {
  // What the AI SDK middleware puts in data.input.messages: file bytes as base64.
  const picture = Buffer.alloc(400_000, 7).toString('base64');
  const withFile = (data: string, mediaType: string) => [
    {
      role: 'user',
      content: [
        { type: 'text', text: 'what is this?' },
        { type: 'file', mediaType, data },
      ],
    },
  ];

  it('an image is not counted as text: its base64 bytes would refuse the call outright under a token limit', () => {
    const estimate = estimateTokens({
      input: { text: 'what is this?', messages: withFile(picture, 'image/png') },
    });
    expect(estimate.input).toBeLessThan(1_000);
    expect(estimate.input).toBeGreaterThan('what is this?'.length);
  });

  it.each(['text/plain', 'application/json', 'text/csv; charset=utf-8'])(
    'a text file (%s) counts one token per byte of its decoded text',
    (mediaType) => {
      const text = Buffer.from('a'.repeat(3_000)).toString('base64');
      const estimate = estimateTokens({ input: { messages: withFile(text, mediaType) } });
      expect(estimate.input).toBeGreaterThanOrEqual(3_000);
      expect(estimate.input).toBeLessThan(3_200);
    },
  );

  it('an early-ended stream with an image in its prompt is not charged for the image as text', () => {
    const used = estimateUsedTokens({
      input: { messages: withFile(picture, 'image/jpeg') },
      output: { text: 'A cat' },
    });
    expect(used).toEqual({ input: 4, output: 2 });
  });
});

describe('approximateTokens', () => {
  it('counts about four ASCII characters per token and one token per other character', () => {
    expect(approximateTokens('')).toBe(0);
    expect(approximateTokens('abcd')).toBe(1);
    expect(approximateTokens('abcde')).toBe(2);
    expect(approximateTokens('日本語')).toBe(3);
    expect(approximateTokens('ok 👍')).toBe(2);
  });
});

describe('estimateUsedTokens', () => {
  it('estimates the prompt and the released text of a call whose output phase began', () => {
    const messages = [{ role: 'user', content: [{ type: 'text', text: 'Tell me a long story' }] }];
    expect(
      estimateUsedTokens({ input: { text: 'x', messages }, output: { text: 'Once upon a time' } }),
    ).toEqual({
      input: 5,
      output: 4,
    });
    expect(estimateUsedTokens({ input: { text: 'hello' }, output: { text: '' } })).toEqual({
      input: 2,
      output: 0,
    });
  });

  it('answers undefined when nothing was generated, and never throws on a cyclic prompt', () => {
    expect(estimateUsedTokens({ input: { text: 'hello' } })).toBeUndefined();
    const cyclic: Record<string, unknown> = { text: 'a' };
    cyclic.self = cyclic;
    expect(estimateUsedTokens({ input: { messages: [cyclic] }, output: { text: 'abcd' } })).toEqual({
      input: 1,
      output: 1,
    });
  });
});
