// Child process for the shared-totals test: records `count` gpt-4o calls through its own hook and Redis
// connection, 25 at a time, then prints a JSON summary on stdout.
// argv: <path of the built package module> <redis url, or a JSON array of Cluster nodes> <key prefix> <component> <count>
const [modulePath, url, keyPrefix, component, count] = process.argv.slice(2);
const { CostTrackingHook, RedisCostStore } = await import(modulePath);
const { HookContext, HookPoint, componentId } = await import('@llmspell/core');

const silent = { debug() {}, info() {}, warn() {}, error() {} };
const cluster = url.startsWith('[')
  ? new (await import('ioredis')).Cluster(JSON.parse(url), { enableOfflineQueue: false })
  : undefined;
const store = new RedisCostStore(cluster ?? url, { keyPrefix, commandTimeoutMs: 5_000, logger: silent });
const hook = new CostTrackingHook({ store, logger: silent });
let unconfirmed = 0;
const total = Number(count);
for (let start = 0; start < total; start += 25) {
  const batch = [];
  for (let index = start; index < Math.min(start + 25, total); index++) {
    const context = new HookContext({
      hookPoint: HookPoint.AfterAgentExecution,
      componentId: componentId(component, 'agent'),
      data: { model: 'gpt-4o-2024-08-06', tokensUsed: { input: 1 + (index % 5), output: 2 } },
      metadata: { userId: `user-${index % 3}` },
    });
    batch.push(
      Promise.resolve(hook.execute(context)).then(() => {
        if (context.data.cost?.totalCost == null) unconfirmed++;
      }),
    );
  }
  await Promise.all(batch);
}
await hook.close();
await store.close();
cluster?.disconnect();
process.stdout.write(JSON.stringify({ unconfirmed, pending: hook.pendingRecords }));
