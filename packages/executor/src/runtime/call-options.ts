import { ConfigIssues, describeValue, HookConfigError } from '@llmspell/core';
import { isRecord } from '../is-record.js';

/** Per-call options of `agent.execute`, `agent.stream` and `tool.execute`. */
export interface ComponentExecuteOptions {
  /** Caller facts for the hooks (`userId`, `tenantId`, `requestId` …); becomes `context.metadata`. Default {}. */
  metadata?: Record<string, string>;
  /** Aborts the call: hooks and the operation see it on `context.signal`, and the call rejects with its reason. */
  signal?: AbortSignal;
}

/** Something a hook can redirect to: an agent or a tool with the same input and output. */
export interface RedirectTarget<Input, Output> {
  execute(input: Input, options?: ComponentExecuteOptions): Promise<Output>;
}

/** Validates the per-call options; throws `HookConfigError` listing every bad field. */
export function validateCallOptions(options: unknown): asserts options is ComponentExecuteOptions {
  const issues = new ConfigIssues();
  if (!isRecord(options)) {
    issues.add('/', `execute options must be an object, got ${describeValue(options)}`);
  } else {
    issues.unknownKeys(options, ['metadata', 'signal']);
    const { metadata, signal } = options;
    if (metadata !== undefined) {
      if (!isRecord(metadata))
        issues.add('/metadata', `must be an object of strings, got ${describeValue(metadata)}`);
      else {
        for (const [key, value] of Object.entries(metadata)) {
          if (typeof value !== 'string')
            issues.add(`/metadata/${key}`, `must be a string, got ${describeValue(value)}`);
        }
      }
    }
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      issues.add('/signal', `must be an AbortSignal, got ${describeValue(signal)}`);
    }
  }
  if (issues.issues.length > 0) throw new HookConfigError('execute', issues.issues);
}
