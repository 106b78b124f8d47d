// A child process of the distributed test: bursts of Before calls through one RateLimitingHook that shares
// its counts through Redis. Driven over IPC: 'burst' → { admitted, storeErrors }, 'stop' → exits.
import { componentId, HookContext, HookPoint } from '@llmspell/core';

const entry = process.env.RATE_LIMIT_ENTRY ?? new URL('../../dist/index.js', import.meta.url).href;
const { RateLimitingHook } = await import(entry);
const { url, cluster, requestsPerWindow, windowMs, calls, keyPrefix } = JSON.parse(process.argv[2]);
// A Cluster is passed as the user's own ioredis Cluster client; a single server as a URL the hook owns.
const client = cluster
  ? new (await import('ioredis')).Cluster(cluster, { enableOfflineQueue: false })
  : undefined;

let storeErrors = 0;
const events = {
  publish(event) {
    if (event.type === 'rate_limit.store_error') storeErrors++;
  },
};
const hook = new RateLimitingHook({ requestsPerWindow, windowMs, redis: client ?? url, keyPrefix });
hook.onRegister();

const call = (name) =>
  hook.execute(
    new HookContext({
      hookPoint: HookPoint.BeforeAgentExecution,
      componentId: componentId(name, 'agent'),
      events,
    }),
  );

// Connected before the parent starts a burst: a warm-up call on a key of its own.
await call(`warm-up-${process.pid}`);

process.on('message', async (message) => {
  if (message.type === 'burst') {
    storeErrors = 0;
    const results = await Promise.all(Array.from({ length: calls }, () => call('shared-agent')));
    process.send({ admitted: results.filter((result) => result.type === 'continue').length, storeErrors });
  } else if (message.type === 'stop') {
    await hook.onUnregister();
    client?.disconnect();
    process.disconnect();
  }
});
process.send({ ready: true });
