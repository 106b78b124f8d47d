import { describe, expect, it } from 'vitest';
import { contentOf } from './model-output.js';
import type { ContentPart } from './model-types.js';

const reasoning: ContentPart = { type: 'reasoning', text: 'thinking' };
const call: ContentPart = { type: 'tool-call', toolCallId: 'c1', toolName: 'lookup', input: '{}' };

describe('contentOf', () => {
  it('answers the recorded parts when their text reads `text`', () => {
    const content: ContentPart[] = [
      reasoning,
      { type: 'text', text: 'a' },
      { type: 'text', text: 'b' },
      call,
    ];
    expect(contentOf({ text: 'ab', content })).toBe(content);
  });

  it('puts a changed `text` in place of the text parts, keeping every other part and the first part’s metadata', () => {
    const first: ContentPart = { type: 'text', text: 'secret ', providerMetadata: { provider: { id: 1 } } };
    const content: ContentPart[] = [reasoning, first, call, { type: 'text', text: 'here' }];
    expect(contentOf({ text: '[masked] here', content })).toEqual([
      reasoning,
      { ...first, text: '[masked] here' },
      call,
    ]);
  });

  it('adds a text part when the recorded parts had none, and drops them for an empty text', () => {
    expect(contentOf({ text: 'hello', content: [call] })).toEqual([call, { type: 'text', text: 'hello' }]);
    expect(contentOf({ text: '', content: [reasoning, { type: 'text', text: 'x' }] })).toEqual([reasoning]);
    expect(contentOf({ text: '' })).toEqual([]);
    expect(contentOf({ text: 'x' })).toEqual([{ type: 'text', text: 'x' }]);
  });
});
