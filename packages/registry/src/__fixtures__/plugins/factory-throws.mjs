// Broken: its factory throws.
export function createPlugin() {
  throw new Error('missing API key for plugin');
}
