/** What a call may use before it runs: input tokens and the requested maximum output. */
export interface TokenEstimate {
  input: number;
  output: number;
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function utf8Bytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  try {
    const json = JSON.stringify(value);
    return json === undefined ? 0 : Buffer.byteLength(json);
  } catch {
    // A cyclic or otherwise unserialisable input: nothing to measure.
    return 0;
  }
}

/**
 * An upper bound of a call's tokens from its payload, before it runs. Input: the UTF-8 bytes of the prompt
 * (`data.input.messages` when present, as the AI SDK middleware gives it, else `data.input.text`, else the
 * whole input) — no BPE tokenizer makes more than one token per byte. Output: `data.maxTokens`, else the AI
 * SDK's `data.input.settings.maxOutputTokens`, else 0 (unknown).
 */
export function estimateTokens(data: Readonly<Record<string, unknown>>): TokenEstimate {
  const input = data.input;
  let prompt: unknown = input;
  let settings: unknown;
  if (input !== null && typeof input === 'object') {
    const fields = input as { text?: unknown; messages?: unknown; settings?: unknown };
    if (Array.isArray(fields.messages)) prompt = fields.messages;
    else if (typeof fields.text === 'string') prompt = fields.text;
    settings = fields.settings;
  }
  const requested =
    settings !== null && typeof settings === 'object'
      ? (settings as { maxOutputTokens?: unknown }).maxOutputTokens
      : undefined;
  const output = isCount(data.maxTokens) ? data.maxTokens : isCount(requested) ? requested : 0;
  return { input: prompt === undefined ? 0 : utf8Bytes(prompt), output };
}
