import {
  type ComponentId,
  type EventSink,
  type ForkOperation,
  type HookContext,
  HookPoint,
  type MetricsRecorder,
} from '@llmspell/core';
import type { HookRegistry } from '@llmspell/registry';
import type { HookExecutor } from '../hook-executor.js';
import { buildComponent } from './build-component.js';
import type { ComponentExecuteOptions } from './component-lifecycle.js';

/** What an agent is asked: a text prompt plus anything else the operation understands. */
export interface AgentInput {
  text: string;
  [key: string]: unknown;
}

/** What an agent answers. `model` and `tokensUsed` reach the After hooks as `data.model` / `data.tokensUsed`. */
export interface AgentOutput {
  text: string;
  model?: string;
  tokensUsed?: { input: number; output: number };
  [key: string]: unknown;
}

/** An agent whose every call runs through BeforeAgentExecution, AfterAgentExecution and AgentError. */
export interface Agent {
  readonly componentId: ComponentId;
  execute(input: AgentInput, options?: ComponentExecuteOptions): Promise<AgentOutput>;
}

/** Options of `createAgent`. */
export interface AgentOptions {
  /** The agent's name (its `componentId.name`, type 'agent'). Required. */
  name: string;
  /** Where the agent's hooks are registered. Required. */
  registry: HookRegistry;
  /** The sink every context of the agent carries (and the built executor publishes to). Default: none. */
  events?: EventSink;
  /** The recorder every context of the agent carries (and the built executor records to). Default: a no-op. */
  metrics?: MetricsRecorder;
  /** The executor to run hooks with. Default: `new HookExecutor(registry, { events, metrics })`. */
  executor?: HookExecutor;
  /** Agents a `redirect` result may name, by target. Default: none (a redirect throws UnknownRedirectTargetError). */
  redirects?: Record<string, Agent>;
  /** Runs one operation of a `fork` result beside the main one. Default: none (event `hook.fork_unhandled`). */
  fork?(operation: ForkOperation, context: HookContext): Promise<unknown>;
  /** The agent's work. It receives the (possibly modified) input and the call's context. */
  execute(input: AgentInput, context: HookContext): Promise<AgentOutput>;
}

const agentPoints = {
  before: HookPoint.BeforeAgentExecution,
  after: HookPoint.AfterAgentExecution,
  error: HookPoint.AgentError,
} as const;

function describeAgentOutput(output: AgentOutput, data: Record<string, unknown>): void {
  data.output = output;
  if (output === null || typeof output !== 'object') return;
  if (output.model !== undefined) data.model = output.model;
  if (output.tokensUsed !== undefined) data.tokensUsed = output.tokensUsed;
}

/** Builds an agent whose calls run the hook lifecycle around `options.execute`. */
export function createAgent(options: AgentOptions): Agent {
  return buildComponent('createAgent', 'agent', agentPoints, describeAgentOutput, options);
}
