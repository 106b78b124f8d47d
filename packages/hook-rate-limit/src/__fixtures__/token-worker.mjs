// A child process of the token-limit test: bursts of calls through one RateLimitingHook with tokensPerWindow,
// shared through Redis. Each call reserves its planned estimate at Before, runs a few ms, and settles at After
// with its planned usage. Driven over IPC: { type: 'burst', component, calls: [{ estimate, usage }] } →
// { admittedUsage, admitted, storeErrors }; { type: 'probe', component } → the tokens left in the window;
// 'stop' → exits.
import { componentId, HookContext, HookPoint } from '@llmspell/core';

const entry = process.env.RATE_LIMIT_ENTRY ?? new URL('../../dist/index.js', import.meta.url).href;
const { RateLimitingHook } = await import(entry);
const { url, cluster, tokensPerWindow, windowMs, keyPrefix } = JSON.parse(process.argv[2]);
const client = cluster
  ? new (await import('ioredis')).Cluster(cluster, { enableOfflineQueue: false })
  : undefined;

let storeErrors = 0;
const events = {
  publish(event) {
    if (event.type === 'rate_limit.store_error') storeErrors++;
  },
};
const hook = new RateLimitingHook({
  requestsPerWindow: 1_000_000,
  tokensPerWindow,
  windowMs,
  redis: client ?? url,
  keyPrefix,
  estimateTokens: (context) => context.data.estimate,
});
hook.onRegister();

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function run(component, { estimate, usage }, index) {
  // Spread over a few ms, so that the processes' calls interleave at Redis.
  await sleep((index % 100) * 2);
  const before = new HookContext({
    hookPoint: HookPoint.BeforeAgentExecution,
    componentId: componentId(component, 'agent'),
    data: { estimate },
    events,
  });
  const result = await hook.execute(before);
  if (result.type !== 'continue')
    return { admitted: false, usage: 0, remaining: before.data.rateLimit?.tokens?.remaining };
  await sleep(index % 7);
  const after = before.child(HookPoint.AfterAgentExecution);
  after.data.tokensUsed = { input: usage - Math.min(usage, 5), output: Math.min(usage, 5) };
  await hook.execute(after);
  return { admitted: true, usage, remaining: before.data.rateLimit?.tokens?.remaining };
}

// Connected before the parent starts a burst: a warm-up call on a key of its own.
await run(`warm-up-${process.pid}`, { estimate: 0, usage: 0 }, 0);

process.on('message', async (message) => {
  if (message.type === 'burst') {
    storeErrors = 0;
    const results = await Promise.all(
      message.calls.map((planned, index) => run(message.component, planned, index)),
    );
    const admitted = results.filter((result) => result.admitted);
    process.send({
      admitted: admitted.length,
      admittedUsage: admitted.reduce((sum, result) => sum + result.usage, 0),
      storeErrors,
    });
  } else if (message.type === 'probe') {
    const probe = await run(message.component, { estimate: 0, usage: 0 }, 0);
    process.send({ remaining: probe.remaining, storeErrors });
  } else if (message.type === 'stop') {
    await hook.onUnregister();
    client?.disconnect();
    process.disconnect();
  }
});
process.send({ ready: true });
