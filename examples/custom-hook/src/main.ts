import assert from 'node:assert/strict';
import {
  EventBus,
  type Hook,
  type HookContext,
  HookPoint,
  HookResult,
  InMemoryMetrics,
  Priority,
} from '@llmspell/core';
import { createAgent, HookChain, withTiming } from '@llmspell/executor';
import { type HookPlugin, HookRegistry } from '@llmspell/registry';

// 1. A hook is an object with an id and execute(context) → HookResult. Sync results take the fast path.
const blockShouting: Hook = {
  id: 'block-shouting',
  metadata: () => ({ description: 'Refuses prompts written in capitals', priority: Priority.High }),
  execute(context: HookContext) {
    const text = (context.data.input as { text?: string } | undefined)?.text ?? '';
    const letters = text.replace(/[^a-z]/gi, '');
    return letters.length > 8 && letters === letters.toUpperCase()
      ? HookResult.cancel('Please do not shout')
      : HookResult.continue();
  },
};

// 2. Modifying the input: a merge patch onto context.data that the operation then sees.
const trimWhitespace: Hook = {
  id: 'trim-whitespace',
  execute(context) {
    const input = context.data.input as { text: string };
    const text = input.text.trim().replace(/\s+/g, ' ');
    return text === input.text ? HookResult.continue() : HookResult.modified({ input: { text } });
  },
};

// 3. A chain of responsibility: the first hook that does not continue decides.
const faq = new HookChain('faq', [
  {
    id: 'faq-hours',
    execute: (context) =>
      /opening hours/i.test((context.data.input as { text: string }).text)
        ? HookResult.replace({ text: 'We are open 9:00–17:00, Monday to Friday.' })
        : HookResult.continue(),
  },
  {
    id: 'faq-address',
    execute: (context) =>
      /address/i.test((context.data.input as { text: string }).text)
        ? HookResult.replace({ text: '1 Example Street.' })
        : HookResult.continue(),
  },
]);

// 4. A decorator: withTiming wraps any hook and records how long it took.
const metrics = new InMemoryMetrics();
const timedFaq = withTiming(faq, { metrics, slowMs: 50 });

// 5. A plugin bundles hooks that are registered and unregistered together.
const auditPlugin: HookPlugin = {
  name: 'audit',
  version: '1.0.0',
  hooks: () => [
    [
      HookPoint.AfterAgentExecution,
      {
        id: 'audit-output',
        execute(context) {
          context.emitEvent('audit.answered', {
            length: (context.data.output as { text: string }).text.length,
          });
          return HookResult.continue();
        },
      },
    ],
  ],
};

const registry = new HookRegistry();
await registry.register(HookPoint.BeforeAgentExecution, blockShouting);
await registry.register(HookPoint.BeforeAgentExecution, trimWhitespace);
await registry.register(HookPoint.BeforeAgentExecution, timedFaq);
await registry.registerPlugin(auditPlugin);

const events = new EventBus();
const agent = createAgent({
  name: 'helpdesk',
  registry,
  events,
  metrics,
  async execute(input) {
    return { text: `You asked: ${input.text}` };
  },
});

const answers: string[] = [];
for (const text of ['  where   is my parcel? ', 'What are your opening hours?', 'WHERE IS MY PARCEL']) {
  try {
    const output = await agent.execute({ text });
    answers.push(output.text);
    console.log(`${JSON.stringify(text)} → ${output.text}`);
  } catch (error) {
    answers.push(`cancelled: ${(error as Error).message}`);
    console.log(`${JSON.stringify(text)} → cancelled (${(error as Error).message})`);
  }
}

console.log(
  `audit events: ${events.query('audit.*').length}, hook.executed events: ${events.query('hook.executed').length}`,
);
const timing = metrics.snapshot().hook_timing_ms;
console.log(
  `withTiming recorded ${timing?.count} runs of the FAQ chain, ${timing?.sum.toFixed(3)} ms in all`,
);

assert.equal(answers[0], 'You asked: where is my parcel?');
assert.equal(answers[1], 'We are open 9:00–17:00, Monday to Friday.');
assert.match(answers[2] ?? '', /Please do not shout/);
assert.equal(events.query('audit.*').length, 2);
await registry.unregisterPlugin('audit');
