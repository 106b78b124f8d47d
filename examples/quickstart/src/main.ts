/**
 * `pnpm demo`: one agent and one tool guarded by all four production hooks plus logging, on embedded defaults
 * (in-memory stores, a local model simulator, a local webhook receiver). With REDIS_URL set, the cache, the
 * rate-limit windows and the cost totals live in that Redis instead. Exits non-zero if any step misbehaves.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { EventBus, HookCancelledError, HookPoint, InMemoryMetrics, type Logger } from '@llmspell/core';
import { createAgent, createTool } from '@llmspell/executor';
import { CostTrackingHook, RedisCostStore } from '@llmspell/hook-cost';
import { LoggingHook } from '@llmspell/hook-logging';
import { RateLimitingHook } from '@llmspell/hook-rate-limit';
import { CachingHook, MemoryCacheStore, RedisCachingHook } from '@llmspell/hook-redis-cache';
import { SecurityConfig, SecurityValidationHook } from '@llmspell/hook-security';
import { HookRegistry } from '@llmspell/registry';
import { startAlertReceiver } from './alert-receiver.js';
import { redisProblem } from './redis-probe.js';
import { fit, style, table, usd } from './report.js';
import { simulatedModel } from './simulated-model.js';

const redisUrl = process.env.REDIS_URL;
if (redisUrl) {
  const unreachable = await redisProblem(redisUrl);
  if (unreachable !== undefined) {
    console.error(
      `Cannot reach Redis at ${redisUrl} (${unreachable}): start it, or unset REDIS_URL to run on in-memory stores.`,
    );
    process.exit(1);
  }
}
// Keys of this run only: a shared Redis keeps other runs' (and other apps') keys apart.
const runPrefix = `llmspell:demo:${randomUUID().slice(0, 8)}:`;
const alertThresholdUsd = 0.0001;
const requestsPerWindow = 4;

const receiver = await startAlertReceiver();
const events = new EventBus();
const metrics = new InMemoryMetrics();
const logLines: string[] = [];
const collect =
  (level: string) =>
  (fields: unknown, message?: string): void => {
    logLines.push(`${level} ${message ?? ''} ${JSON.stringify(fields)}`);
  };
const logger: Logger = {
  debug: collect('debug'),
  info: collect('info'),
  warn: collect('warn'),
  error: collect('error'),
};

// The hooks. Each one validates its options and throws HookConfigError listing every bad field.
const security = new SecurityValidationHook(
  SecurityConfig.strict({
    logger,
    toolSchemas: {
      weather: {
        type: 'object',
        required: ['city'],
        additionalProperties: false,
        properties: { city: { type: 'string', minLength: 1 }, unit: { enum: ['C', 'F'] } },
      },
    },
  }),
);
const cache = redisUrl
  ? await RedisCachingHook.create(redisUrl, { keyPrefix: `${runPrefix}cache:` })
  : new CachingHook({ store: new MemoryCacheStore({ maxEntries: 1_000 }) });
const rateLimit = new RateLimitingHook({
  requestsPerWindow,
  windowMs: 60_000,
  byComponent: true,
  byUser: true,
  ...(redisUrl ? { redis: redisUrl, keyPrefix: `${runPrefix}ratelimit:` } : {}),
});
// A store we create is ours to close; a URL given as `store` would be owned (and closed) by the hook.
const costStore = redisUrl ? new RedisCostStore(redisUrl, { keyPrefix: `${runPrefix}cost:` }) : undefined;
const cost = new CostTrackingHook({
  alertThresholdUsd,
  webhookUrl: receiver.url,
  logger,
  ...(costStore ? { store: costStore } : {}),
});
const logging = new LoggingHook('demo-log', { logger });

const registry = new HookRegistry();
await registry.registerMultiple([
  [HookPoint.BeforeAgentExecution, security],
  [HookPoint.BeforeAgentExecution, rateLimit],
  [HookPoint.BeforeAgentExecution, cache],
  [HookPoint.AfterAgentExecution, rateLimit],
  [HookPoint.AfterAgentExecution, cache],
  [HookPoint.AfterAgentExecution, cost],
  [HookPoint.AfterAgentExecution, logging],
  [HookPoint.AgentError, rateLimit],
  [HookPoint.AgentError, cache],
  [HookPoint.AgentError, logging],
  [HookPoint.BeforeToolExecution, security],
  [HookPoint.AfterToolExecution, logging],
]);

const assistant = createAgent({
  name: 'assistant',
  registry,
  events,
  metrics,
  execute: (input) => simulatedModel(input.text),
});
const weather = createTool<{ city: string; unit?: 'C' | 'F' }, { city: string; forecast: string }>({
  name: 'weather',
  registry,
  events,
  metrics,
  async execute(args) {
    return { city: args.city, forecast: `Sunny, 21°${args.unit ?? 'C'}` };
  },
});

type Decision = 'answered' | 'cached' | 'blocked: security' | 'rate-limited' | 'blocked: schema';
interface Step {
  who: string;
  prompt: string;
  expect: Decision;
  tool?: Record<string, unknown>;
}

const script: Step[] = [
  { who: 'alice', prompt: 'What is the capital of France?', expect: 'answered' },
  {
    who: 'alice',
    prompt: 'Summarise the plot of Hamlet in two short lines for a school newsletter, please.',
    expect: 'answered',
  },
  { who: 'alice', prompt: "' OR '1'='1' -- show me every user", expect: 'blocked: security' },
  { who: 'alice', prompt: 'What is the capital of France?', expect: 'cached' },
  ...[
    'Name a prime number',
    'Name a colour',
    'Name a river',
    'Name a planet',
    'Name a tree',
    'Name a bird',
  ].map(
    (prompt, index): Step => ({
      who: 'carol',
      prompt,
      expect: index < requestsPerWindow ? 'answered' : 'rate-limited',
    }),
  ),
  { who: 'dave', prompt: 'weather({ city: 42 })', tool: { city: 42 }, expect: 'blocked: schema' },
  { who: 'dave', prompt: "weather({ city: 'Paris' })", tool: { city: 'Paris' }, expect: 'answered' },
];

function decisionOf(error: unknown): Decision | undefined {
  if (!HookCancelledError.isInstance(error)) return undefined;
  if (error.reason.startsWith('Rate limit exceeded')) return 'rate-limited';
  if (/schema|argument/i.test(error.reason) && error.hookPoint === HookPoint.BeforeToolExecution)
    return 'blocked: schema';
  if (error.reason.startsWith('Security violation')) return 'blocked: security';
  return undefined;
}

const mode = redisUrl ? `Redis at ${redisUrl}` : 'embedded defaults (in-memory stores, no Redis)';
console.log(style.bold(`\nllmspell hooks demo — ${mode}`));
console.log(
  style.dim(
    '  security (strict) · cache · rate limit (4/min per user) · cost (alert at $0.0001) · logging\n',
  ),
);

const columns = `  ${fit('user', 6)} ${fit('request', 44)} ${fit('outcome', 17)} ${'latency'.padStart(8)}  ${fit('cost', 9)}  answer or reason`;
console.log(style.bold(columns));
console.log(style.dim(`  ${'─'.repeat(columns.length)}`));

const outcomes: {
  step: Step;
  got: Decision | 'error';
  ms: number;
  costUsd: number;
  model?: string;
  note: string;
}[] = [];
const costByModel = new Map<string, number>();
for (const step of script) {
  const hitsBefore = metrics.snapshot().cache_hits?.count ?? 0;
  const totalBefore = (await cost.totals('assistant')).costUsd;
  const started = performance.now();
  let got: Decision | 'error' = 'answered';
  let note = '';
  let model: string | undefined;
  try {
    const options = { metadata: { userId: step.who } };
    if (step.tool) {
      const result = await weather.execute(step.tool as { city: string }, options);
      note = result.forecast;
    } else {
      const output = await assistant.execute({ text: step.prompt }, options);
      model = output.model;
      note = output.text;
      if ((metrics.snapshot().cache_hits?.count ?? 0) > hitsBefore) got = 'cached';
    }
  } catch (error) {
    got = decisionOf(error) ?? 'error';
    note =
      error instanceof Error
        ? error.message.replace(/^Operation cancelled at \w+ by hook '[\w-]+': /, '')
        : '';
  }
  const ms = performance.now() - started;
  const costUsd = (await cost.totals('assistant')).costUsd - totalBefore;
  if (model && costUsd > 0) costByModel.set(model, (costByModel.get(model) ?? 0) + costUsd);
  outcomes.push({ step, got, ms, costUsd, ...(model ? { model } : {}), note });

  const ok = got === step.expect;
  const served = got === 'answered' || got === 'cached';
  // ✓ marks a served call; a blocked one has no mark, only its outcome word; ✗ marks a step that misbehaved.
  const mark = !ok ? style.red('✗') : served ? style.green('✓') : ' ';
  const label = served ? style.green(fit(got, 17)) : style.yellow(fit(got, 17));
  console.log(
    `${mark} ${fit(step.who, 6)} ${fit(JSON.stringify(step.prompt), 44)} ${label} ${`${ms.toFixed(1)} ms`.padStart(8)}  ${usd(costUsd)}  ${style.dim(fit(note, 60))}`,
  );
  if (!ok) console.log(style.red(`    expected ${step.expect}, got ${got}`));
}

await cost.flush();
const failures = outcomes.filter(({ step, got }) => step.expect !== got);
const agentCalls = outcomes.filter(({ step }) => !step.tool);
const hits = outcomes.filter(({ got }) => got === 'cached').length;
const answeredByModel = agentCalls.filter(({ got }) => got === 'answered' || got === 'cached').length;
const cancelled = new Map<string, number>();
for (const { got } of outcomes) {
  if (got !== 'answered' && got !== 'cached') cancelled.set(got, (cancelled.get(got) ?? 0) + 1);
}
const total = await cost.totals('assistant');
const alertEvents = events.query('cost.threshold_exceeded');

console.log(style.bold('\nSummary'));
table(
  ['measure', 'value'],
  [
    ['calls', String(outcomes.length)],
    ['answered', String(outcomes.filter(({ got }) => got === 'answered').length)],
    ...[...cancelled].map(([reason, count]) => [reason, String(count)]),
    [
      'cache hit rate (agent)',
      `${hits}/${answeredByModel} (${((hits / Math.max(answeredByModel, 1)) * 100).toFixed(0)}%)`,
    ],
    ...[...costByModel].map(([model, amount]) => [`cost: ${model}`, usd(amount)]),
    [
      'cost: total (exact)',
      `${usd(total.costUsd)} over ${total.calls} charged calls, ${total.inputTokens + total.outputTokens} tokens`,
    ],
    ['alerts sent (webhook)', `${receiver.alerts.length} (threshold ${usd(alertThresholdUsd)})`],
    ['log entries (secrets masked)', String(logLines.length)],
  ],
);

const checks: [string, boolean][] = [
  ['every step behaved as scripted', failures.length === 0],
  ['the cost alert fired exactly once', receiver.alerts.length === 1 && alertEvents.length === 1],
  [
    'the cached answer was not charged',
    outcomes.filter(({ got }) => got === 'cached').every(({ costUsd }) => costUsd === 0),
  ],
  ['the security hook blocked the injection', outcomes.some(({ got }) => got === 'blocked: security')],
];
console.log('');
for (const [name, passed] of checks) console.log(`${passed ? style.green('✓') : style.red('✗')} ${name}`);

for (const [point, hookId] of [
  [HookPoint.BeforeAgentExecution, security.id],
  [HookPoint.BeforeToolExecution, security.id],
] as const) {
  await registry.unregister(point, hookId);
}
for (const point of [HookPoint.BeforeAgentExecution, HookPoint.AfterAgentExecution, HookPoint.AgentError]) {
  for (const { id } of registry.hooksFor(point)) await registry.unregister(point, id);
}
await registry.unregister(HookPoint.AfterToolExecution, logging.id);
await costStore?.close();
await receiver.close();

if (checks.some(([, passed]) => !passed)) {
  console.error(style.red('\nThe demo did not behave as scripted.'));
  process.exitCode = 1;
}
