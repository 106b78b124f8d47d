// Built for a core major that does not exist yet.
export default {
  name: 'from-the-future',
  version: '9.0.0',
  coreVersion: '^99.0.0',
  hooks: () => [['BeforeAgentExecution', { id: 'future', execute: () => ({ type: 'continue' }) }]],
};
