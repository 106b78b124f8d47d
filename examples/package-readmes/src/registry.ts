import { type Hook, HookPoint, HookResult, Priority } from '@llmspell/core';
import { HookRegistry } from '@llmspell/registry';

const myGuard: Hook = {
  id: 'my-guard',
  execute: (context) =>
    String((context.data.input as { text?: unknown })?.text).includes('secret')
      ? HookResult.cancel('No secrets, please')
      : HookResult.continue(),
};
const audit: Hook = { id: 'audit', execute: () => HookResult.continue() };

const registry = new HookRegistry();
await registry.register(HookPoint.BeforeAgentExecution, myGuard, Priority.High);
await registry.registerMultiple([
  [HookPoint.BeforeAgentExecution, audit],
  [HookPoint.AfterAgentExecution, audit],
]);
// A plugin brings several hooks, all or nothing; `loadPlugin('./plugins/audit.js')` imports one from a module.
await registry.registerPlugin({
  name: 'usage-audit',
  version: '1.0.0',
  coreVersion: '^0.1.0',
  hooks: () => [[HookPoint.AgentError, { id: 'error-audit', execute: () => HookResult.continue() }]],
});
registry.setEnabled(HookPoint.BeforeAgentExecution, 'my-guard', false);

console.log(registry.hooksFor(HookPoint.BeforeAgentExecution).map((entry) => entry.hook.id)); // [ 'audit' ]
console.log(registry.stats()); // { points: 3, hooks: 4, byPoint: { … } }
