import { HookPoint } from '@llmspell/core';
import { buildComponent, type Component, type ComponentOptions } from './build-component.js';

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
export type Agent = Component<AgentInput, AgentOutput>;

/** Options of `createAgent` (type 'agent'; `redirects` name other agents). */
export type AgentOptions = ComponentOptions<AgentInput, AgentOutput>;

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
