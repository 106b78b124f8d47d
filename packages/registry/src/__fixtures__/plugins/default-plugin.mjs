// A plugin module whose default export is a HookPlugin.
const hook = {
  id: 'fixture-audit',
  execute: () => ({ type: 'continue' }),
};

export default {
  name: 'fixture-default-plugin',
  version: '1.2.3',
  coreVersion: '>=0.1.0',
  hooks: () => [
    ['BeforeAgentExecution', hook, 5],
    ['AfterAgentExecution', hook],
  ],
};
