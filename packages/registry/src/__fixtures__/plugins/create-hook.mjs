// A single-hook module: createHook() plus the point it belongs to in metadata.
export function createHook() {
  return {
    id: 'fixture-single-hook',
    metadata: () => ({ name: 'single', version: '2.0.0', point: 'BeforeToolExecution', priority: -100 }),
    execute: () => ({ type: 'cancel', reason: 'from fixture' }),
  };
}
