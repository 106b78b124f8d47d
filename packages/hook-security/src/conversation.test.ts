import { describe, expect, it } from 'vitest';
import { messageKey, messageStrings, RememberedMessages } from './conversation.js';

describe('remembered clean messages', () => {
  it('keeps at most capacity keys and evicts the least recently seen', () => {
    const remembered = new RememberedMessages(2);
    remembered.remember('a');
    remembered.remember('b');
    expect(remembered.has('a')).toBe(true);
    remembered.remember('c');
    expect(remembered.has('b')).toBe(false);
    expect(remembered.has('a')).toBe(true);
    expect(remembered.has('c')).toBe(true);
  });

  it('remembers nothing with capacity 0', () => {
    const remembered = new RememberedMessages(0);
    remembered.remember('a');
    expect(remembered.has('a')).toBe(false);
  });

  it('tells messages apart by role and content', () => {
    const content = [{ type: 'text', text: 'hello' }];
    expect(messageKey('user', content)).not.toBe(messageKey('assistant', content));
    expect(messageKey('user', content)).toBe(messageKey('user', [...content]));
  });

  it('scans text, tool inputs and tool results but not file bytes or keys', () => {
    const { strings, scanned } = messageStrings({
      role: 'user',
      content: [
        { type: 'text', text: 'look at this' },
        { type: 'file', mediaType: 'image/png', data: 'iVBORw0KGgo' },
      ],
    });
    expect(scanned.map((index) => strings[index]!.value)).toEqual(['look at this']);
  });

  it("scans the keys of tool-call arguments and JSON tool results, not the SDK's own keys", () => {
    const assistant = messageStrings({
      role: 'assistant',
      content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'search', input: { query: 'paris' } }],
    });
    expect(assistant.scanned.map((index) => assistant.strings[index]!.value)).toEqual([
      'c1',
      'search',
      'query',
      'paris',
    ]);
    const tool = messageStrings({
      role: 'tool',
      content: [
        {
          type: 'tool-result',
          toolCallId: 'c1',
          toolName: 'search',
          output: { type: 'json', value: { title: 'Paris' } },
        },
      ],
    });
    expect(tool.scanned.map((index) => tool.strings[index]!.value)).toEqual([
      'c1',
      'search',
      'json',
      'title',
      'Paris',
    ]);
  });
});
