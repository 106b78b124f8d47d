import {
  componentId,
  EventBus,
  HookContext,
  type HookPoint,
  InMemoryMetrics,
  HookPoint as Points,
} from '@llmspell/core';

/** What a test call looks like. */
export interface CallShape {
  component?: string;
  componentType?: string;
  model?: string;
  tokensUsed?: unknown;
  userId?: string;
  metadata?: Record<string, string>;
  data?: Record<string, unknown>;
  events?: EventBus;
  metrics?: InMemoryMetrics;
  hookPoint?: HookPoint;
}

/** A context for one hook point of a call; defaults: AfterAgentExecution of agent 'writer'. */
export function callContext(shape: CallShape = {}): HookContext {
  const data: Record<string, unknown> = { ...shape.data };
  if (shape.model !== undefined) data.model = shape.model;
  if (shape.tokensUsed !== undefined) data.tokensUsed = shape.tokensUsed;
  const metadata: Record<string, string> = { ...shape.metadata };
  if (shape.userId !== undefined) metadata.userId = shape.userId;
  return new HookContext({
    hookPoint: shape.hookPoint ?? Points.AfterAgentExecution,
    componentId: componentId(shape.component ?? 'writer', shape.componentType ?? 'agent'),
    data,
    metadata,
    events: shape.events ?? new EventBus(),
    metrics: shape.metrics ?? new InMemoryMetrics(),
  });
}

/** A logger that keeps what it is told. */
export function recordingLogger() {
  const lines: { level: string; fields: unknown; message: string | undefined }[] = [];
  const at =
    (level: string) =>
    (fields: unknown, message?: string): void => {
      lines.push({ level, fields, message: typeof fields === 'string' ? fields : message });
    };
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}
