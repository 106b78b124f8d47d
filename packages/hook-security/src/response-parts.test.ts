import { componentId, HookContext, HookPoint, type HookResult } from '@llmspell/core';
import { describe, expect, it } from 'vitest';
import { SecurityValidationHook } from './security-validation-hook.js';

const token = `ghp_${'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8'}`;

function judgeResponse(hook: SecurityValidationHook, output: unknown): HookResult {
  const context = new HookContext({
    hookPoint: HookPoint.AfterAgentExecution,
    componentId: componentId('agent', 'writer'),
    data: { input: { text: 'hi' }, output },
  });
  return hook.execute(context) as HookResult;
}

/** A model's answer as `@llmspell/ai-sdk` reports it when there is more than text: `text` and every part. */
function response(reasoning: string, text: string) {
  return {
    text,
    content: [
      { type: 'reasoning', text: reasoning },
      { type: 'text', text },
      { type: 'tool-call', toolCallId: 'c1', toolName: 'lookup', input: '{}' },
    ],
  };
}

describe('SecurityValidationHook on a response with more than text', () => {
  it('refuses a secret the model wrote only in its reasoning', () => {
    const result = judgeResponse(new SecurityValidationHook(), response(`The key is ${token}`, 'Done.'));
    expect(result).toMatchObject({
      type: 'cancel',
      reason: expect.stringContaining('/output/content/0/text'),
    });
  });

  it('masks the secret in the reasoning and in the text in lenient mode, and keeps every other part', () => {
    const output = response(`The key is ${token}`, `Here it is: ${token}`);
    const result = judgeResponse(new SecurityValidationHook({ strictMode: false }), output);
    expect(result.type).toBe('modified');
    const patched = (result as unknown as { data: { output: typeof output } }).data.output;
    expect(patched.text).not.toContain(token);
    expect(patched.content).toHaveLength(3);
    expect(patched.content[0]).toMatchObject({ type: 'reasoning' });
    expect(patched.content[0]!.text).not.toContain(token);
    // The text parts too: they are what a cache stores and replays.
    expect(patched.content[1]).toMatchObject({ type: 'text', text: patched.text });
    expect(patched.content[2]).toBe(output.content[2]);
  });

  it('hands a plugged classifier the text and the reasoning once, not the text parts again', async () => {
    const seen: string[] = [];
    const hook = new SecurityValidationHook({
      outputDetectors: {
        promptInjection: {
          classifier: {
            name: 'recording',
            score: (text) => {
              seen.push(text);
              return 0;
            },
          },
        },
      },
    });
    expect((await judgeResponse(hook, response('Let me think.', 'Sunny today.'))).type).toBe('continue');
    expect(seen).toEqual(['Sunny today.\nLet me think.']);
  });

  it('finds a secret split across two reasoning parts, which the AI SDK shows joined (both modes refuse)', () => {
    const split = {
      text: 'ok',
      content: [
        { type: 'reasoning', text: `key ${token.slice(0, 20)}` },
        { type: 'reasoning', text: `${token.slice(20)} done` },
        { type: 'text', text: 'ok' },
      ],
    };
    expect(judgeResponse(new SecurityValidationHook(), split)).toMatchObject({
      type: 'cancel',
      reason: expect.stringContaining('/output/content'),
    });
    // No mask of one part can cut a match that spans two: lenient mode refuses too.
    expect(judgeResponse(new SecurityValidationHook({ strictMode: false }), split)).toMatchObject({
      type: 'cancel',
      reason: expect.stringContaining('split across parts of the response'),
    });
  });

  it('lenient mode refuses a secret split across two text parts rather than store the halves', () => {
    const split = {
      text: `Here: ${token} end`,
      content: [
        { type: 'text', text: `Here: ${token.slice(0, 20)}` },
        { type: 'text', text: `${token.slice(20)} end` },
      ],
    };
    expect(judgeResponse(new SecurityValidationHook({ strictMode: false }), split)).toMatchObject({
      type: 'cancel',
      reason: expect.stringContaining('split across parts of the response'),
    });
  });

  it('passes a clean response with reasoning, and does not read other parts as reasoning', () => {
    expect(
      judgeResponse(new SecurityValidationHook(), response('Think about the weather.', 'Sunny.')).type,
    ).toBe('continue');
    const notReasoning = {
      text: 'Sunny.',
      content: [{ type: 'source', sourceType: 'url', id: 's1', url: 'https://example.com', text: token }],
    };
    expect(judgeResponse(new SecurityValidationHook(), notReasoning).type).toBe('continue');
  });
});
