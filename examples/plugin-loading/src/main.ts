import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { HookCancelledError, PluginLoadError } from '@llmspell/core';
import { createAgent } from '@llmspell/executor';
import { HookRegistry } from '@llmspell/registry';

const registry = new HookRegistry();

// Any path or package name works; here the plugin package sits beside this example.
const pluginPath = fileURLToPath(new URL('../plugins/word-limit/index.js', import.meta.url));
const plugin = await registry.loadPlugin(pluginPath);
console.log(`loaded plugin ${plugin.name}@${plugin.version}:`, registry.stats().byPoint);

const agent = createAgent({
  name: 'summariser',
  registry,
  async execute(input) {
    return { text: `Summary of "${input.text}"` };
  },
});

console.log((await agent.execute({ text: 'Summarise the meeting notes' })).text);
try {
  await agent.execute({
    text: 'Please summarise every single one of the very long meeting notes from last week now',
  });
  assert.fail('the word limit should have cancelled the call');
} catch (error) {
  assert.ok(HookCancelledError.isInstance(error));
  console.log(`cancelled by ${error.hookId}: ${error.reason}`);
}

// A module that is not a plugin gives a PluginLoadError that names the file and what was missing.
try {
  await registry.loadPlugin(fileURLToPath(new URL('../plugins/not-a-plugin.js', import.meta.url)));
  assert.fail('not-a-plugin.js is not a plugin');
} catch (error) {
  assert.ok(PluginLoadError.isInstance(error));
  console.log(`refused: ${error.message.split('\n')[0]}`);
}

await registry.unregisterPlugin('word-limit');
assert.equal(registry.stats().hooks, 0);
