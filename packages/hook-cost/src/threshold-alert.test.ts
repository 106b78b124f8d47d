import { EventBus, InMemoryMetrics } from '@llmspell/core';
import { afterEach, describe, expect, it } from 'vitest';
import { callContext, recordingLogger } from './__fixtures__/contexts.js';
import { startWebhookServer, type WebhookServer } from './__fixtures__/webhook-server.js';
import { CostTrackingHook } from './cost-tracking-hook.js';

const servers: WebhookServer[] = [];
async function server(behaviour: WebhookServer['behaviour']): Promise<WebhookServer> {
  const started = await startWebhookServer(behaviour);
  servers.push(started);
  return started;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((started) => started.close()));
});

// 1000 gpt-4 input tokens cost exactly $0.03.
const call = (options: Parameters<typeof callContext>[0] = {}) =>
  callContext({ model: 'gpt-4', tokensUsed: { input: 1000, output: 0 }, ...options });

describe('threshold alerts', () => {
  it('POSTs exactly once when a component crosses the threshold, not once per call after it', async () => {
    const webhook = await server('ok');
    const events = new EventBus();
    const hook = new CostTrackingHook({
      alertThresholdUsd: 0.1,
      webhookUrl: webhook.url,
      logger: recordingLogger().logger,
    });
    for (let index = 0; index < 10; index++) await hook.execute(call({ events }));
    await hook.flush();
    expect(webhook.bodies).toHaveLength(1);
    const body = webhook.bodies[0] as Record<string, unknown>;
    expect(body.details).toEqual({ component: 'writer', totalCost: 0.12, threshold: 0.1, model: 'gpt-4' });
    expect(body.message).toContain('writer');
    expect(new Date(body.timestamp as string).toISOString()).toBe(body.timestamp);
    expect(events.query('cost.threshold_exceeded')).toHaveLength(1);
    expect(events.query('cost.threshold_exceeded')[0]!.payload).toEqual(body.details);
  });

  it('does not alert at exactly the threshold, only above it', async () => {
    const webhook = await server('ok');
    const hook = new CostTrackingHook({
      alertThresholdUsd: 0.09,
      webhookUrl: webhook.url,
      logger: recordingLogger().logger,
    });
    for (let index = 0; index < 3; index++) await hook.execute(call());
    await hook.flush();
    expect(webhook.bodies).toHaveLength(0);
    await hook.execute(call());
    await hook.flush();
    expect(webhook.bodies).toHaveLength(1);
  });

  it('alerts once per component that crosses', async () => {
    const webhook = await server('ok');
    const hook = new CostTrackingHook({
      alertThresholdUsd: 0.05,
      webhookUrl: webhook.url,
      logger: recordingLogger().logger,
    });
    for (let index = 0; index < 3; index++) {
      await hook.execute(call({ component: 'a' }));
      await hook.execute(call({ component: 'b' }));
    }
    await hook.flush();
    const components = webhook.bodies.map(
      (body) => (body as { details: { component: string } }).details.component,
    );
    expect(components.sort()).toEqual(['a', 'b']);
  });

  it('alerts exactly once when many concurrent calls cross together', async () => {
    const webhook = await server('ok');
    const hook = new CostTrackingHook({
      alertThresholdUsd: 0.5,
      webhookUrl: webhook.url,
      logger: recordingLogger().logger,
    });
    await Promise.all(Array.from({ length: 50 }, () => hook.execute(call())));
    await hook.flush();
    expect(webhook.bodies).toHaveLength(1);
  });

  it('does not slow or fail the call when the webhook hangs; the attempt times out', async () => {
    const webhook = await server('hang');
    const { lines, logger } = recordingLogger();
    const events = new EventBus();
    const metrics = new InMemoryMetrics();
    const hook = new CostTrackingHook({
      alertThresholdUsd: 0.01,
      webhookUrl: webhook.url,
      webhookTimeoutMs: 2_000,
      webhookMaxAttempts: 2,
      webhookRetryDelayMs: 10,
      logger,
    });
    const started = performance.now();
    const result = await hook.execute(call({ events, metrics }));
    const elapsedMs = performance.now() - started;
    expect(result.type).toBe('continue');
    expect(elapsedMs).toBeLessThan(1_000);
    await hook.flush();
    expect(webhook.bodies).toHaveLength(2);
    expect(events.query('cost.alert_failed')[0]!.payload).toMatchObject({
      attempts: 2,
      error: 'no answer within 2000 ms',
    });
    expect(metrics.snapshot().cost_alert_failures?.count).toBe(1);
    expect(lines.some((line) => line.message?.includes('webhook failed'))).toBe(true);
  });

  it('retries a webhook that answers 500 a bounded number of times, off the caller path', async () => {
    const webhook = await server('fail');
    const hook = new CostTrackingHook({
      alertThresholdUsd: 0.01,
      webhookUrl: webhook.url,
      webhookMaxAttempts: 3,
      webhookRetryDelayMs: 1_000,
      logger: recordingLogger().logger,
    });
    // The retries take at least 3 s (1 s + 2 s of backoff); the call must not wait for them.
    const started = performance.now();
    await hook.execute(call());
    expect(performance.now() - started).toBeLessThan(1_000);
    await hook.flush();
    expect(webhook.bodies).toHaveLength(3);
  });

  it('delivers on a retry after a failure', async () => {
    const webhook = await server('fail');
    const metrics = new InMemoryMetrics();
    const hook = new CostTrackingHook({
      alertThresholdUsd: 0.01,
      webhookUrl: webhook.url,
      webhookRetryDelayMs: 200,
      logger: recordingLogger().logger,
    });
    await hook.execute(call({ metrics }));
    await new Promise((resolve) => setTimeout(resolve, 50));
    webhook.behaviour = 'ok';
    await hook.flush();
    expect(webhook.bodies).toHaveLength(2);
    expect(metrics.snapshot().cost_alerts_delivered?.count).toBe(1);
  });

  it('does not POST when the webhook refuses connections, and the call still succeeds', async () => {
    const webhook = await server('ok');
    const url = webhook.url;
    await webhook.close();
    servers.length = 0;
    const events = new EventBus();
    const hook = new CostTrackingHook({
      alertThresholdUsd: 0.01,
      webhookUrl: url,
      webhookRetryDelayMs: 5,
      logger: recordingLogger().logger,
    });
    expect((await hook.execute(call({ events }))).type).toBe('continue');
    await hook.flush();
    expect(events.query('cost.alert_failed')[0]!.payload).toMatchObject({ attempts: 3 });
  });

  it('emits cost.threshold_exceeded without a webhook', async () => {
    const events = new EventBus();
    const hook = new CostTrackingHook({ alertThresholdUsd: 0.01, logger: recordingLogger().logger });
    await hook.execute(call({ events }));
    await hook.execute(call({ events }));
    expect(events.query('cost.threshold_exceeded')).toHaveLength(1);
  });
});
