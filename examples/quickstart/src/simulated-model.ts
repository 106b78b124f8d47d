/** What the simulated model answers: text plus the usage a real provider reports. */
export type ModelReply = {
  text: string;
  model: string;
  tokensUsed: { input: number; output: number };
};

/** Roughly 4 characters per token, as OpenAI's tokenizers average on English. */
function countTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/**
 * A deterministic local stand-in for a chat model: it answers from the prompt after a couple of milliseconds and
 * reports realistic token usage and a model name (long prompts go to the larger model). No network, same every run.
 */
export async function simulatedModel(prompt: string): Promise<ModelReply> {
  await new Promise((resolve) => setTimeout(resolve, 2));
  const model = prompt.length > 60 ? 'gpt-4o' : 'gpt-4o-mini';
  const topic = prompt.replace(/[?.!]+$/, '').trim();
  const detail = 'One more detail follows. '.repeat(2 + (topic.length % 4));
  const text = `About "${topic}": the short answer fits in two sentences. ${detail}`.trim();
  return { text, model, tokensUsed: { input: 24 + countTokens(prompt), output: countTokens(text) } };
}
