import { HookConfigError, HookPoint, type Logger } from '@llmspell/core';
import { HookRegistry } from '@llmspell/registry';
import { assertHookResult, hookConformanceSuite, MockContext } from '@llmspell/testing';
import { describe, expect, it } from 'vitest';
import { LoggingHook } from './logging-hook.js';

function recordingLogger() {
  const entries: { level: string; fields: Record<string, unknown>; message: string | undefined }[] = [];
  const make = (level: string) => (fields: unknown, message?: string) =>
    entries.push({ level, fields: fields as Record<string, unknown>, message });
  const logger: Logger = {
    debug: make('debug'),
    info: make('info'),
    warn: make('warn'),
    error: make('error'),
  };
  return { logger, entries };
}

describe('LoggingHook', () => {
  it('logs the point, component, input and output, and continues', () => {
    const { logger, entries } = recordingLogger();
    const hook = new LoggingHook('audit-log', { logger });
    const context = new MockContext()
      .withHookPoint(HookPoint.AfterAgentExecution)
      .withComponent('writer')
      .withInput('hello')
      .withData('output', { text: 'hi there' })
      .withData('model', 'gpt-4')
      .build();
    assertHookResult(hook.execute(context), 'continue');
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      level: 'info',
      message: 'writer AfterAgentExecution',
      fields: {
        hookPoint: 'AfterAgentExecution',
        component: 'writer',
        input: { text: 'hello' },
        output: { text: 'hi there' },
        model: 'gpt-4',
        correlationId: context.correlationId,
      },
    });
  });

  it('masks secret-looking keys and values but keeps token counts', () => {
    const { logger, entries } = recordingLogger();
    const hook = new LoggingHook('log', { logger });
    const context = new MockContext()
      .withData('input', {
        text: 'use Bearer abcdefghijklmnopqrstuvwxyz123456 and sk-ABCDEFGHIJKLMNOPQRSTUV',
        apiKey: 'k-123',
        nested: { db_password: 'hunter2', sessionToken: 'xyz', keep: 'visible' },
      })
      .withData('tokensUsed', { input: 5, output: 7 })
      .build();
    hook.execute(context);
    const logged = JSON.stringify(entries[0]?.fields);
    expect(logged).not.toContain('hunter2');
    expect(logged).not.toContain('k-123');
    expect(logged).not.toContain('xyz');
    expect(logged).not.toContain('abcdefghijklmnopqrstuvwxyz123456');
    expect(logged).not.toContain('sk-ABCDEFGHIJKLMNOPQRSTUV');
    expect(logged).toContain('visible');
    expect(entries[0]?.fields.tokensUsed).toEqual({ input: 5, output: 7 });
  });

  it('truncates long strings, wide arrays and deep or cyclic structures', () => {
    const { logger, entries } = recordingLogger();
    const hook = new LoggingHook('log', { logger, maxValueLength: 10, maxItems: 3, maxDepth: 2 });
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    hook.execute(
      new MockContext()
        .withData('input', { text: 'x'.repeat(25), list: [1, 2, 3, 4], deep: { a: { b: { c: 1 } } } })
        .withData('output', cyclic)
        .build(),
    );
    const fields = entries[0]!.fields;
    expect(fields.input).toEqual({
      text: 'xxxxxxxxxx… (+15 chars)',
      list: [1, 2, 3, '… (+1 items)'],
      deep: { a: '[Object]' },
    });
    expect(fields.output).toEqual({ name: 'loop', self: '[Circular]' });
  });

  it('logs error points at error level with the error message', () => {
    const { logger, entries } = recordingLogger();
    new LoggingHook('log', { logger }).execute(
      new MockContext().withHookPoint(HookPoint.ToolError).withData('error', new Error('disk full')).build(),
    );
    expect(entries[0]).toMatchObject({ level: 'error', fields: { error: { message: 'disk full' } } });
  });

  it('honours logInputs/logOutputs: false', () => {
    const { logger, entries } = recordingLogger();
    new LoggingHook('log', { logger, logInputs: false, logOutputs: false }).execute(
      new MockContext().withInput('secret plan').withData('output', 'answer').build(),
    );
    expect(entries[0]?.fields.input).toBeUndefined();
    expect(entries[0]?.fields.output).toBeUndefined();
  });

  it('refuses bad options with a HookConfigError listing each field', () => {
    try {
      new LoggingHook('', { maxValueLength: -1, level: 'loud' as never, logger: {} as Logger });
      expect.unreachable();
    } catch (error) {
      expect(HookConfigError.isInstance(error)).toBe(true);
      expect((error as HookConfigError).issues.map((issue) => issue.path)).toEqual([
        '/id',
        '/maxValueLength',
        '/level',
        '/logger',
      ]);
    }
  });

  it('works on a registry, the seed scenario', async () => {
    const { logger, entries } = recordingLogger();
    const registry = new HookRegistry();
    const hook = new LoggingHook('seed-logger', { logger });
    await registry.register(HookPoint.BeforeAgentExecution, hook);
    const [registered] = registry.hooksFor(HookPoint.BeforeAgentExecution);
    expect(registered?.priority).toBe(1000);
    await registered?.hook.execute(new MockContext().withInput('hi').build());
    expect(entries).toHaveLength(1);
  });
});

describe('LoggingHook conformance', () => {
  hookConformanceSuite(it, () => new LoggingHook('conformance-log', { logger: recordingLogger().logger }), {
    points: [HookPoint.BeforeAgentExecution, HookPoint.AfterAgentExecution, HookPoint.AgentError],
  });
});
