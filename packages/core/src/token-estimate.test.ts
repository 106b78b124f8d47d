import { describe, expect, it } from 'vitest';
import { estimateTokens } from './token-estimate.js';

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
});
