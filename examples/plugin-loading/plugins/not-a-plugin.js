// An ordinary module: it exports a helper, not a plugin, so loadPlugin refuses it.
export function formatPrompt(text) {
  return text.trim();
}
