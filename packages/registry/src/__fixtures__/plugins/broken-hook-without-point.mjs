// Broken: createHook() gives no hook point anywhere.
export function createHook() {
  return { id: 'pointless', execute: () => ({ type: 'continue' }) };
}
