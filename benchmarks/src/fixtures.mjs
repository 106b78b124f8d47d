// Shared inputs and helpers of the suites.
import { componentId, HookContext, HookPoint } from '@llmspell/core';
import { HookRegistry } from '@llmspell/registry';

/** A realistic agent answer: what the bare and the hooked agents return. */
export const ANSWER = Object.freeze({
  text: 'The capital of France is Paris. It has been the capital since the late 10th century.',
  model: 'gpt-4o-mini',
  tokensUsed: Object.freeze({ input: 14, output: 22 }),
});

/** A fresh agent answer: the operation builds a new object each call, as a model client does. */
export function answer() {
  return { text: ANSWER.text, model: ANSWER.model, tokensUsed: { input: 14, output: 22 } };
}

/** Contexts at `point` for `count` distinct users of component `name`, reused call after call. */
export function userContexts(name, count, point = HookPoint.BeforeAgentExecution) {
  const component = componentId(name, 'agent');
  return Array.from(
    { length: count },
    (_, index) =>
      new HookContext({ hookPoint: point, componentId: component, metadata: { userId: `user-${index}` } }),
  );
}

/** A registry holding `entries` ([point, hook, priority?][]). */
export async function registryWith(entries) {
  const registry = new HookRegistry();
  await registry.registerMultiple(entries);
  return registry;
}

/** Returns a function that hands out the items of `items` round-robin. */
export function cycle(items) {
  let index = 0;
  return () => {
    const item = items[index];
    index = index + 1 === items.length ? 0 : index + 1;
    return item;
  };
}
