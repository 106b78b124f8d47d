// A plugin module that exports an async createPlugin() factory.
export async function createPlugin() {
  return {
    name: 'fixture-factory-plugin',
    version: '0.0.1',
    hooks: () => [['ToolError', { id: 'fixture-tool-error', execute: () => ({ type: 'continue' }) }]],
  };
}
