import { componentId, EventBus, HookContext, HookPoint, type Logger } from '@llmspell/core';
import { HookExecutor } from '@llmspell/executor';
import { HookRegistry } from '@llmspell/registry';
import { MockContext } from '@llmspell/testing';
import { describe, expect, it } from 'vitest';
import { LoggingHook } from './logging-hook.js';

function recordingLogger() {
  const entries: { level: string; fields: Record<string, unknown> }[] = [];
  const make = (level: string) => (fields: unknown) => {
    entries.push({ level, fields: fields as Record<string, unknown> });
  };
  const logger: Logger = {
    debug: make('debug'),
    info: make('info'),
    warn: make('warn'),
    error: make('error'),
  };
  return { logger, entries };
}

function logOnce(data: Record<string, unknown>, options: ConstructorParameters<typeof LoggingHook>[1] = {}) {
  const { logger, entries } = recordingLogger();
  const context = new MockContext().withHookPoint(HookPoint.AgentError).build();
  Object.assign(context.data, data);
  new LoggingHook('log', { logger, ...options }).execute(context);
  return { fields: entries[0]!.fields, text: JSON.stringify(entries[0]!.fields) };
}

describe('LoggingHook against hostile values', () => {
  it('masks secret keys in any case and nesting (unmasked-keys finding)', () => {
    const secrets = {
      secretKey: 's1-leak',
      AWS_SECRET_ACCESS_KEY: 's2-leak',
      passphrase: 's3-leak',
      cookies: 's4-leak',
      auth: 's5-leak',
      jwt: 's6-leak',
      encryptionKey: 's7-leak',
      PASSWORD: 's8-leak',
      'x-api-key': 's9-leak',
      refresh_token: 's10-leak',
      clientSecret: 's11-leak',
      headers: { Authorization: 's12-leak', Cookie: 's13-leak' },
      list: [{ apikey: 's14-leak' }, { nested: { privateKey: 's15-leak' } }],
    };
    const { fields, text } = logOnce({ input: secrets, tokensUsed: { input: 5, output: 7 } });
    expect(text).not.toMatch(/s\d+-leak/);
    expect(fields.tokensUsed).toEqual({ input: 5, output: 7 });
    const kept = logOnce({ input: { author: 'Ann', maxTokens: 10, tokensUsed: 3, keyboard: 'qwerty' } });
    expect(kept.fields.input).toEqual({ author: 'Ann', maxTokens: 10, tokensUsed: 3, keyboard: 'qwerty' });
  });

  it('masks common secret shapes inside values (unmasked-values finding)', () => {
    const jwt =
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
    const pem =
      '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAsecretsecret\n-----END RSA PRIVATE KEY-----';
    const values = [
      'Authorization: Bearer abc.def-ghi_jkl',
      'stripe sk_live_51HcXyZabcdefghijklmnop',
      'openai sk-proj-abcdefghijklmnopqrstuv',
      'aws AKIAIOSFODNN7EXAMPLE',
      'gh ghp_abcdefghijklmnopqrstuvwxyz0123456789',
      `token ${jwt}`,
      'db postgres://admin:hunter2@db.internal:5432/app',
      pem,
      'password=hunter2&user=ann',
    ];
    const { text } = logOnce({ input: { notes: values } }, { maxValueLength: 500 });
    for (const leak of [
      'abc.def-ghi_jkl',
      'sk_live_51HcXyZ',
      'sk-proj-abc',
      'AKIAIOSFODNN7EXAMPLE',
      'ghp_abcdef',
      'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV',
      'eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ',
      'admin:hunter2',
      'secretsecret',
      'hunter2',
    ]) {
      expect(text, leak).not.toContain(leak);
    }
    expect(text).toContain('postgres://[REDACTED]@db.internal:5432/app');
    expect(text).toContain('user=ann');
  });

  it('masks secrets in Error messages (unmasked-error finding)', () => {
    const { fields } = logOnce({
      error: new Error('connect to postgres://app:s3cr3t@db failed with Bearer tok_abcdefghijkl'),
    });
    const error = fields.error as { message: string };
    expect(error.message).not.toContain('s3cr3t');
    expect(error.message).not.toContain('tok_abcdefghijkl');
    expect(error.message).toContain('failed');
  });

  it('masks a secret cut by the truncation to its end instead of logging its start', () => {
    const { text } = logOnce({ input: `${'x'.repeat(190)} Bearer ${'t'.repeat(5_000)}` });
    expect(text).not.toContain('tttt');
  });

  it('keeps one entry small whatever the input: 3.7 MB entries finding', () => {
    const wide = Object.fromEntries(
      Array.from({ length: 20 }, (_, index) => [`k${index}`, 'v'.repeat(1_000)]),
    );
    let nested: unknown = wide;
    for (let level = 0; level < 5; level++) nested = Array.from({ length: 20 }, () => nested);
    const huge = Object.fromEntries(Array.from({ length: 100_000 }, (_, index) => [`key${index}`, index]));
    const { text } = logOnce({ input: nested, output: huge, model: 'm'.repeat(1_000_000) });
    expect(text.length).toBeLessThan(40_000);
  });

  it('cuts 100 KB keys', () => {
    const { text } = logOnce({ input: { ['k'.repeat(100_000)]: 1 } });
    expect(text.length).toBeLessThan(2_000);
  });

  it("logs 'Bearer ' + 6 MB without overflowing the stack, quickly, and its circuit stays closed (6 MB bearer finding)", async () => {
    const { logger, entries } = recordingLogger();
    const registry = new HookRegistry();
    await registry.register(HookPoint.AgentError, new LoggingHook('log', { logger }));
    const events = new EventBus();
    const executor = new HookExecutor(registry, { events });
    const value = `Bearer ${'a'.repeat(6 * 1024 * 1024)}`;
    const started = performance.now();
    for (let call = 0; call < 6; call++) {
      const context = new HookContext({
        hookPoint: HookPoint.AgentError,
        componentId: componentId('assistant', 'agent'),
        data: { error: new Error(value), input: { text: value } },
      });
      await executor.execute(HookPoint.AgentError, context);
    }
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(events.query('hook.failed')).toEqual([]);
    expect(events.query('hook.circuit_opened')).toEqual([]);
    expect(entries).toHaveLength(6);
    expect(JSON.stringify(entries[0]!.fields).length).toBeLessThan(2_000);
  });

  it('never throws on values whose getters throw or on revoked proxies', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const trap = Object.defineProperty({}, 'boom', {
      enumerable: true,
      get() {
        throw new Error('getter');
      },
    });
    const { fields } = logOnce({ input: { proxy, trap } });
    expect(fields.input).toEqual({ proxy: '[Unreadable]', trap: { boom: '[Unreadable]' } });
  });
});
