import { type HookContext, HookPoint } from '@llmspell/core';
import {
  type AgentOutput,
  type AgentStream,
  type AgentStreamPart,
  agentStreamSource,
  answerAsOutput,
  iterableSource,
  outputSource,
} from './agent-stream.js';
import {
  type Component,
  type ComponentOptions,
  componentParts,
  executeComponent,
  startOperation,
} from './build-component.js';
import type { ComponentExecuteOptions, RedirectTarget } from './call-options.js';
import { validateComponentOptions } from './component-options.js';
import { type OutputMapping, readerCancelled, type StreamSource } from './operation.js';
import { ReleasedText } from './released-text.js';

/** What an agent is asked: a text prompt plus anything else the operation understands. */
export interface AgentInput {
  text: string;
  [key: string]: unknown;
}

/** An agent whose every call runs through BeforeAgentExecution, AfterAgentExecution and AgentError. */
export interface Agent extends Component<AgentInput, AgentOutput> {
  /**
   * Streams the answer: Before runs first, then each delta passes the AgentStreamChunk hooks, then After.
   * `textStream` yields the released text; `output` settles when the stream ends.
   */
  stream(input: AgentInput, options?: ComponentExecuteOptions): AgentStream;
}

/** Options of `createAgent` (type 'agent'; `redirects` name other agents). Give `execute`, `stream` or both. */
export interface AgentOptions
  extends Omit<ComponentOptions<AgentInput, AgentOutput>, 'execute' | 'redirects'> {
  /** The agent's work, answering at once. Without it, `agent.execute` collects `stream`. */
  execute?(input: AgentInput, context: HookContext): Promise<AgentOutput>;
  /**
   * The agent's work as a stream of text deltas (strings or `{ type: 'text', text }`), with an optional
   * `{ type: 'finish', model?, tokensUsed? }`. Without it, `agent.stream` streams `execute`'s answer as one delta.
   */
  stream?(
    input: AgentInput,
    context: HookContext,
  ): AsyncIterable<string | AgentStreamPart> | Promise<AsyncIterable<string | AgentStreamPart>>;
  /** Agents a `redirect` result may name, by target. Default: none (a redirect throws UnknownRedirectTargetError). */
  redirects?: Record<string, RedirectTarget<AgentInput, AgentOutput> & Partial<Pick<Agent, 'stream'>>>;
}

export type { AgentOutput, AgentStream, AgentStreamPart };

const agentPoints = {
  before: HookPoint.BeforeAgentExecution,
  after: HookPoint.AfterAgentExecution,
  error: HookPoint.AgentError,
} as const;

const agentMapping: OutputMapping<AgentOutput> = {
  record(output, data) {
    data.output = output;
    if (output === null || typeof output !== 'object') return;
    if (output.model !== undefined) data.model = output.model;
    if (output.tokensUsed !== undefined) data.tokensUsed = output.tokensUsed;
  },
};

/** Builds an agent whose calls run the hook lifecycle around `options.execute` and/or `options.stream`. */
export function createAgent(options: AgentOptions): Agent {
  validateComponentOptions('createAgent', options);
  const parts = componentParts<AgentInput, AgentOutput>('agent', agentPoints, options);
  const { redirects, spec } = parts;

  const stream = (input: AgentInput, callOptions: ComponentExecuteOptions = {}): AgentStream => {
    let release: (() => Promise<void>) | undefined;
    const text = new ReleasedText(() => release?.() ?? Promise.resolve());
    const output = (async (): Promise<AgentOutput> => {
      const data = () => operation.data;
      const mapping: OutputMapping<StreamSource<never>> = {
        answer: (value, origin) => outputSource(answerAsOutput(value, origin.type), data),
      };
      const operation = startOperation(spec, mapping, input, callOptions, true);
      release = () => {
        operation.interrupt(readerCancelled(undefined));
        return output.then(
          () => undefined,
          () => undefined,
        );
      };
      const open = (target: string | undefined): Promise<StreamSource<never>> => {
        const current = operation.data.input as AgentInput;
        const context = operation.context;
        if (target !== undefined) {
          const redirect = redirects[target] as NonNullable<AgentOptions['redirects']>[string];
          const redirectOptions = { metadata: { ...context.metadata }, signal: callOptions.signal };
          if (typeof redirect.stream === 'function') {
            return Promise.resolve(agentStreamSource(redirect.stream(current, redirectOptions), data));
          }
          return redirect.execute(current, redirectOptions).then((answer) => outputSource(answer, data));
        }
        if (options.stream !== undefined) {
          return Promise.resolve(options.stream(current, context)).then((iterable) =>
            iterableSource(iterable, data),
          );
        }
        return options.execute!(current, context).then((answer) => outputSource(answer, data));
      };
      try {
        const decision = await operation.before();
        const source =
          decision.type === 'answer'
            ? decision.output
            : await operation.run(() => open(decision.type === 'redirect' ? decision.target : undefined));
        await operation.stream(source, { text: (delta) => text.push(delta), marker: () => undefined });
        return operation.data.output as AgentOutput;
      } catch (error) {
        await operation.fail(error);
        throw error;
      }
    })();
    output.then(
      () => text.close(undefined),
      (error: unknown) => text.close({ error }),
    );
    return { textStream: text, output };
  };

  const execute = (input: AgentInput, callOptions?: ComponentExecuteOptions): Promise<AgentOutput> => {
    if (options.execute === undefined) return stream(input, callOptions).output;
    const run = (current: AgentInput, context: HookContext) => options.execute!(current, context);
    return executeComponent(parts, agentMapping, run, input, callOptions);
  };

  return Object.freeze({ componentId: spec.componentId, execute, stream });
}
