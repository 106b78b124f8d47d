import { describe, expect, it } from 'vitest';
import { componentId } from './component-id.js';
import { HookCancelledError } from './errors/hook-cancelled-error.js';
import { HookConfigError } from './errors/hook-config-error.js';
import { HookTimeoutError } from './errors/hook-timeout-error.js';
import { LlmspellError } from './errors/llmspell-error.js';
import { PluginLoadError } from './errors/plugin-load-error.js';
import { EventBus } from './events.js';
import { HookContext } from './hook-context.js';
import { InMemoryMetrics } from './metrics.js';

const agent = componentId('writer', 'agent', 'writer-1');

describe('HookContext', () => {
  it('fills defaults: new correlation id, empty data, no-op metrics, a signal that is not aborted', () => {
    const context = new HookContext({ hookPoint: 'BeforeAgentExecution', componentId: agent });
    expect(context.correlationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(context.data).toEqual({});
    expect(context.metadata).toEqual({});
    expect(context.signal.aborted).toBe(false);
    expect(() => context.metrics.increment('x')).not.toThrow();
    expect(() => context.emitEvent('nobody.listens', {})).not.toThrow();
  });

  it('child() shares correlation id, data, metadata and state, with its own hook point', () => {
    const context = new HookContext({
      hookPoint: 'BeforeAgentExecution',
      componentId: agent,
      data: { input: { text: 'hi' } },
      metadata: { userId: 'u1' },
    });
    context.state.set('permit', 1);
    const after = context.child('AfterAgentExecution');
    expect(after.hookPoint).toBe('AfterAgentExecution');
    expect(after.correlationId).toBe(context.correlationId);
    expect(after.state.get('permit')).toBe(1);
    after.data.output = 'done';
    after.metadata = { userId: 'u2' };
    expect(context.data.output).toBe('done');
    expect(context.metadata).toEqual({ userId: 'u2' });
  });

  it('withSignal() gives a view with its own signal, created lazily, sharing reassigned data', () => {
    const context = new HookContext({ hookPoint: 'BeforeAgentExecution', componentId: agent });
    let created = 0;
    const controller = new AbortController();
    const view = context.withSignal(() => {
      created++;
      return controller.signal;
    });
    view.data = { replaced: true };
    expect(context.data).toEqual({ replaced: true });
    expect(created).toBe(0);
    controller.abort();
    expect(view.signal.aborted).toBe(true);
    expect(view.signal.aborted).toBe(true);
    expect(created).toBe(1);
    expect(context.signal.aborted).toBe(false);
  });

  it('abortable is true only when a caller signal was given, and survives child() and withSignal()', () => {
    const plain = new HookContext({ hookPoint: 'BeforeAgentExecution', componentId: agent });
    expect(plain.abortable).toBe(false);
    expect(plain.child('AfterAgentExecution').abortable).toBe(false);
    const controller = new AbortController();
    const callerOwned = new HookContext({
      hookPoint: 'BeforeAgentExecution',
      componentId: agent,
      signal: controller.signal,
    });
    expect(callerOwned.abortable).toBe(true);
    expect(callerOwned.child('AgentError').abortable).toBe(true);
    expect(plain.withSignal(controller.signal).abortable).toBe(true);
  });

  it('detach() cuts a view off: its later writes, also into objects it holds, reach nothing live', () => {
    const input = { text: 'hello', tags: ['a'] };
    const context = new HookContext({
      hookPoint: 'BeforeAgentExecution',
      componentId: agent,
      data: { input },
      metadata: { userId: 'u1' },
    });
    context.state.set('permit', 1);
    const live = context.child('AfterAgentExecution');
    const abandoned = context.withSignal(new AbortController().signal);
    const held = abandoned.data.input as typeof input;
    abandoned.detach();
    held.text = 'rewritten by a late hook';
    held.tags.push('late');
    abandoned.data.output = 'late output';
    (abandoned.data.input as typeof input).text = 'rewritten again';
    abandoned.metadata.userId = 'spoofed';
    abandoned.state.set('permit', 2);
    abandoned.state.set('late', true);
    for (const view of [context, live]) {
      expect(view.data).toEqual({ input: { text: 'hello', tags: ['a'] } });
      expect(view.metadata).toEqual({ userId: 'u1' });
      expect([...view.state]).toEqual([['permit', 1]]);
    }
    live.data.output = 'from a live hook';
    expect(context.data.output).toBe('from a live hook');
    expect(abandoned.data.output).toBe('late output');
  });

  it('emitEvent stamps correlation id, component and hook point', () => {
    const events = new EventBus();
    const context = new HookContext({
      hookPoint: 'AgentError',
      componentId: agent,
      events,
      correlationId: 'c-1',
    });
    context.emitEvent('agent.failed', { why: 'test' });
    const [event] = events.query('agent.*');
    expect(event).toMatchObject({
      type: 'agent.failed',
      payload: { why: 'test' },
      correlationId: 'c-1',
      componentId: agent,
      hookPoint: 'AgentError',
    });
    expect(event?.timestamp).toBeInstanceOf(Date);
  });

  it('refuses a missing component id with advice', () => {
    expect(() => new HookContext({ hookPoint: 'BeforeAgentExecution' } as never)).toThrow(
      /componentId\(name, type\)/,
    );
  });
});

describe('InMemoryMetrics', () => {
  it('counts, sums and splits by labels in a plain JSON snapshot', () => {
    const metrics = new InMemoryMetrics();
    metrics.increment('security_violations', 1, { type: 'sql' });
    metrics.increment('security_violations', 1, { type: 'sql' });
    metrics.increment('security_violations', 1, { type: 'pii' });
    metrics.observe('latency_ms', 2.5);
    metrics.observe('latency_ms', 1.5);
    const snapshot = metrics.snapshot();
    expect(snapshot).toEqual({
      security_violations: { count: 3, sum: 3, byLabels: { 'type=sql': 2, 'type=pii': 1 } },
      latency_ms: { count: 2, sum: 4 },
    });
    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
    metrics.reset();
    expect(metrics.snapshot()).toEqual({});
  });
});

describe('errors', () => {
  it('isInstance works by marker, across copies, and respects the class hierarchy', () => {
    const cancelled = new HookCancelledError({
      reason: 'no',
      hookPoint: 'BeforeAgentExecution',
      hookId: 'guard',
    });
    expect(LlmspellError.isInstance(cancelled)).toBe(true);
    expect(HookCancelledError.isInstance(cancelled)).toBe(true);
    expect(HookTimeoutError.isInstance(cancelled)).toBe(false);
    expect(cancelled.name).toBe('HookCancelledError');
    expect(cancelled.message).toBe("Operation cancelled at BeforeAgentExecution by hook 'guard': no");
    // A structurally identical error from a second copy of the package carries the same Symbol.for marker.
    const foreign = Object.assign(new Error('x'), {
      [Symbol.for('@llmspell/core/error')]: ['HookCancelledError'],
    });
    expect(HookCancelledError.isInstance(foreign)).toBe(true);
    expect(LlmspellError.isInstance(new Error('plain'))).toBe(false);
    expect(LlmspellError.isInstance('string')).toBe(false);
  });

  it('HookConfigError lists every issue in its message', () => {
    const error = new HookConfigError('RateLimitingHook', [
      { path: '/requestsPerWindow', message: 'must be >= 1' },
      { path: '/mode', message: "must be 'reject' or 'queue'" },
    ]);
    expect(error.issues).toHaveLength(2);
    expect(error.message).toContain('Invalid RateLimitingHook configuration (2 problems)');
    expect(error.message).toContain('/requestsPerWindow: must be >= 1');
  });

  it('timeout and plugin errors say what to do', () => {
    const timeout = new HookTimeoutError({ hookId: 'slow', hookPoint: 'AfterAgentExecution', timeoutMs: 50 });
    expect(timeout.message).toMatch(/honour context\.signal, or raise its metadata\(\)\.timeoutMs/);
    const load = new PluginLoadError('./plugin.js', 'no default export');
    expect(load.message).toBe("Cannot load hook plugin from './plugin.js': no default export");
    expect(load.specifier).toBe('./plugin.js');
  });
});
