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
