import { streamLifecycleSuite } from '@llmspell/testing';
import { describe, it } from 'vitest';
import { type ScriptedRecord, scriptedStream } from '../__fixtures__/scripted-stream.js';
import { createAgent } from './create-agent.js';

describe('the stream lifecycle through agent.stream', () => {
  streamLifecycleSuite(it, {
    create({ registry, script }) {
      const model: ScriptedRecord = { prompts: [], cancelled: false };
      const agent = createAgent({
        name: 'suite-agent',
        registry,
        stream(input) {
          model.prompts.push(input.text);
          return scriptedStream(script, model);
        },
      });
      return {
        model,
        stream: ({ text = 'Tell me something', signal, metadata } = {}) =>
          agent.stream({ text }, { signal, metadata }),
      };
    },
  });
});
