import type { Logger } from '@llmspell/core';

/** A logger that keeps every warning's fields and message. */
export function recordingLogger(): Logger & {
  warnings: { fields: Record<string, unknown>; message: string }[];
} {
  const warnings: { fields: Record<string, unknown>; message: string }[] = [];
  return {
    warnings,
    debug() {},
    info() {},
    error() {},
    warn(fields, message) {
      warnings.push({ fields: fields as Record<string, unknown>, message: message ?? '' });
    },
  };
}
