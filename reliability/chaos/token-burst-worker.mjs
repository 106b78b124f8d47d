// One process of the chaos soak's token-limit burst: `callsPerProcess` concurrent calls of known usage through a
// RateLimitingHook with `tokensPerWindow`, shared through Redis on one key with the other burst processes, while
// the soak's workers keep running. Every call reserves its estimate and settles at After with its usage (one call
// of one process uses `overrun` tokens more than it estimated). Prints 'ready' once connected, starts on a line
// 'go' on stdin (sent to every burst process at once), then prints one JSON line and exits by itself.
import { componentId, HookContext, HookPoint } from '@llmspell/core';
import { RateLimitingHook } from '@llmspell/hook-rate-limit';
import { Cluster } from 'ioredis';
import { settings } from './settings.mjs';

const { tokenBurst } = settings;
const index = Number(process.env.CHAOS_BURST_INDEX);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let storeErrors = 0;
const events = {
  publish(event) {
    if (event.type === 'rate_limit.store_error') storeErrors += 1;
  },
};
// On a Cluster (`--cluster`): a Cluster client of this process, closed at the end; else the hook's own from the URL.
const clusterNodes = process.env.CHAOS_CLUSTER_NODES;
const cluster = clusterNodes
  ? new Cluster(JSON.parse(clusterNodes), { enableOfflineQueue: false })
  : undefined;
const hook = new RateLimitingHook({
  requestsPerWindow: 1_000_000,
  tokensPerWindow: tokenBurst.tokensPerWindow,
  windowMs: tokenBurst.windowMs,
  storeTimeoutMs: tokenBurst.storeTimeoutMs,
  redis: cluster ?? process.env.CHAOS_REDIS_URL,
  keyPrefix: `chaos:${process.env.CHAOS_RUN_ID}:tokens:`,
  estimateTokens: (context) => context.data.estimate,
});
hook.onRegister();

/** Call `call` of this process: usage between 100 and 599 tokens, estimated exactly but for the one overrun. */
function planned(call) {
  const usage = 100 + ((index * 211 + call * 37) % 500);
  const overrun = index === 0 && call === 7 ? tokenBurst.overrun : 0;
  return { estimate: usage, usage: usage + overrun };
}

async function run(call) {
  const { estimate, usage } = planned(call);
  // Spread over a few ms, so that the processes' calls interleave at Redis instead of arriving one process after
  // the other.
  await sleep((call % 100) * 2);
  const before = new HookContext({
    hookPoint: HookPoint.BeforeAgentExecution,
    componentId: componentId('chaos-burst', 'agent'),
    data: { estimate },
    events,
  });
  const result = await hook.execute(before);
  if (result.type !== 'continue') return 0;
  await sleep(call % 7);
  const after = before.child(HookPoint.AfterAgentExecution);
  after.data.tokensUsed = { input: usage - 5, output: 5 };
  await hook.execute(after);
  return usage;
}

// Connected (a call on a key of its own) before the orchestrator lets every burst process go at once.
await hook.execute(
  new HookContext({
    hookPoint: HookPoint.BeforeAgentExecution,
    componentId: componentId(`warm-up-${process.pid}`, 'agent'),
    data: { estimate: 0 },
  }),
);
process.stdout.write('ready\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
process.stdin.destroy();
const used = await Promise.all(
  Array.from({ length: tokenBurst.callsPerProcess }, (_unused, call) => run(call)),
);
const admitted = used.filter((usage) => usage > 0);
await hook.onUnregister();
cluster?.disconnect();
process.stdout.write(
  `${JSON.stringify({
    admitted: admitted.length,
    admittedTokens: admitted.reduce((sum, usage) => sum + usage, 0),
    largestCall: Math.max(
      ...Array.from({ length: tokenBurst.callsPerProcess }, (_unused, call) => planned(call).estimate),
    ),
    storeErrors,
  })}\n`,
);
