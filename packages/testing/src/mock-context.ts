import {
  type ComponentType,
  componentId,
  EventBus,
  HookContext,
  HookPoint,
  InMemoryMetrics,
} from '@llmspell/core';

/**
 * Builds a `HookContext` for tests, wired to a recording `EventBus` (`mock.events`) and `InMemoryMetrics`
 * (`mock.metrics`). Defaults: hook point BeforeAgentExecution, component ('test-component', 'agent'), data {}.
 */
export class MockContext {
  /** Every event the built contexts emit. */
  readonly events = new EventBus();
  /** Every metric the built contexts record. */
  readonly metrics = new InMemoryMetrics();
  #hookPoint: HookPoint = HookPoint.BeforeAgentExecution;
  #componentName = 'test-component';
  #componentType: ComponentType = 'agent';
  #data: Record<string, unknown> = {};
  #metadata: Record<string, string> = {};
  #state = new Map<string, unknown>();
  #correlationId: string | undefined;
  #signal: AbortSignal | undefined;

  /** Sets `data.input` to `{ text }`. */
  withInput(text: string): this {
    this.#data.input = { text };
    return this;
  }

  withComponent(name: string, componentType: ComponentType = 'agent'): this {
    this.#componentName = name;
    this.#componentType = componentType;
    return this;
  }

  withHookPoint(hookPoint: HookPoint): this {
    this.#hookPoint = hookPoint;
    return this;
  }

  withData(key: string, value: unknown): this {
    this.#data[key] = value;
    return this;
  }

  withMetadata(key: string, value: string): this {
    this.#metadata[key] = value;
    return this;
  }

  /** Shares one `state` map (as the runtime does across the points of one operation). */
  withState(state: Map<string, unknown>): this {
    this.#state = state;
    return this;
  }

  withCorrelationId(correlationId: string): this {
    this.#correlationId = correlationId;
    return this;
  }

  withSignal(signal: AbortSignal): this {
    this.#signal = signal;
    return this;
  }

  /** A new context with a copy of the data and metadata set so far. */
  build(): HookContext {
    return new HookContext({
      hookPoint: this.#hookPoint,
      componentId: componentId(this.#componentName, this.#componentType, `${this.#componentName}-id`),
      data: structuredClone(this.#data),
      metadata: { ...this.#metadata },
      state: this.#state,
      events: this.events,
      metrics: this.metrics,
      ...(this.#correlationId === undefined ? {} : { correlationId: this.#correlationId }),
      ...(this.#signal === undefined ? {} : { signal: this.#signal }),
    });
  }
}
