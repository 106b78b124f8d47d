// The chaos soak's summary: a plain-text table for the console and RESULTS.md for the repository.

/** A fixed-width table of the checks. */
export function renderTable(checks) {
  const rows = [
    ['check', 'value', 'expected', 'status'],
    ...checks.map(({ check, value, expected, pass }) => [check, value, expected, pass ? 'PASS' : 'FAIL']),
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  const line = (row) => row.map((cell, column) => cell.padEnd(widths[column])).join(' | ');
  return [
    line(rows[0]),
    widths.map((width) => '-'.repeat(width)).join('-|-'),
    ...rows.slice(1).map(line),
  ].join('\n');
}

const usd = (pico) => {
  const text = pico.toString().padStart(13, '0');
  return `$${text.slice(0, -12)}.${text.slice(-12).replace(/0+$/, '') || '0'}`;
};

function checksTable(checks) {
  return [
    '| check | value | expected | status |',
    '| --- | --- | --- | --- |',
    ...checks.map(
      ({ check, value, expected, pass }) =>
        `| ${check} | ${value} | ${expected} | ${pass ? 'pass' : '**FAIL**'} |`,
    ),
  ].join('\n');
}

const CLUSTER_START = '<!-- cluster:start -->';
const CLUSTER_END = '<!-- cluster:end -->';

/** The cluster section of a RESULTS.md (markers included), or '' when it has none. */
export function clusterSectionOf(text) {
  const start = text.indexOf(CLUSTER_START);
  const end = text.indexOf(CLUSTER_END);
  return start >= 0 && end > start ? text.slice(start, end + CLUSTER_END.length) : '';
}

/** `text` with its cluster section replaced by `section` (appended when it has none). */
export function withClusterSection(text, section) {
  const existing = clusterSectionOf(text);
  if (existing) return text.replace(existing, section);
  if (!section) return text;
  const base =
    text || '# Chaos soak results\n\nThe single-server soak (`pnpm test:chaos`) has not been run here yet.\n';
  return `${base.trimEnd()}\n\n${section}\n`;
}

/** The cluster run's section of RESULTS.md: what differs from the single-server soak, its checks and figures. */
export function renderClusterSection({ settings, result, environment, topology }) {
  const { figures } = result;
  const { latency, metrics } = figures;
  const { cluster } = settings;
  const cost = figures.stored?.component;
  const { cacheSurvival } = topology.figures;
  return `${CLUSTER_START}
## On a Redis Cluster (\`pnpm test:chaos --cluster\`)

Run of ${environment.date}: ${environment.cpus} cores, Node ${environment.node}, redis-server ${environment.redisVersion},
${(environment.elapsedMs / 1000).toFixed(1)} s for the whole soak. Overall: **${result.passed ? 'passed' : 'FAILED'}**.

The same ${settings.workers} workers × ${settings.callsPerWorker} calls, hostile worker, hooks and checks as above, on a Redis Cluster the soak starts:
${cluster.masters} masters with ${cluster.replicasPerMaster} replica each, \`cluster-node-timeout\` ${cluster.nodeTimeoutMs} ms, no persistence (the replicas
hold the data). Each worker has one ioredis \`Cluster\` client that the cache and the rate limiter share; the cost
store has \`confirmReplicas: ${cluster.confirmReplicas}\` and so writes over a duplicate of it.

Faults, both on the shard of the component's cost totals (every charged call writes there): at ${settings.killAtProgress * 100}% of all calls
its replica is cut off (paused, its link dropped) and ${cluster.replicaBehindMs} ms later its master is killed (SIGKILL): the
master acknowledged writes in those ${cluster.replicaBehindMs} ms that its replica never got, as a master that dies with a backlog
does. Once the replica has taken over, the killed node is restarted empty and rejoins as that replica's replica. At ${settings.pauseAtProgress * 100}% the shard's new master is paused (SIGSTOP) until its replica (the restarted
node) has taken over, then resumed: it comes back as a replica and drops what it had not passed on — the case
where a master that was only slow acknowledged writes that are then lost.

${checksTable(result.checks)}

| figure | value |
| --- | --- |
| calls | ${figures.calls} |
| answered (model or cache) | ${figures.succeeded} (${figures.servedFromCache} from the cache or a single-flight result) |
| refused by the rate limit | ${figures.rateLimited} |
| rate-limit windows checked | ${figures.windowCount} (fullest: ${figures.fullestWindow} of ${settings.rateLimit.requestsPerWindow}) |
| calls admitted on a rate-limit store error (\`onStoreError: 'allow'\`) | ${figures.storeErrorAdmissions} |
| cost in Redis | ${cost ? `${usd(cost.costPicoUsd)} over ${cost.calls} calls, ${cost.inputTokens} + ${cost.outputTokens} tokens` : 'unreadable'} |
| cost expected from the workers' runs | ${usd(figures.expectedCost.costPicoUsd)} over ${figures.expectedCost.calls} calls, ${figures.expectedCost.inputTokens} + ${figures.expectedCost.outputTokens} tokens |
| cost store errors (records kept and replayed; unconfirmed writes included) | ${metrics.costStoreErrors} |
| cost records still pending at exit | ${figures.pendingCostRecords} |
| cache entries checked after the failover | ${cacheSurvival.checked} (${cacheSurvival.onKilledMaster} of them on the killed master) |
| cache hits / misses / errors | ${metrics.cacheHits} / ${metrics.cacheMisses} / ${metrics.cacheErrors} |
| rate-limit store errors | ${metrics.rateLimitStoreErrors} |
| call latency, all calls | p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms, max ${latency.max.toFixed(1)} ms |
| worst latency while a master was down (killed, until its replica took over) | ${latency.killMax.toFixed(1)} ms |
| worst latency while a master was paused | ${latency.pauseMax.toFixed(1)} ms |
| executor: hook failures / timeouts / skips / circuits opened | ${metrics.hookFailures} / ${metrics.hookTimeouts} / ${metrics.hookSkips} / ${metrics.circuitsOpened} |
${hostileSection(settings, figures)}
${result.notes.length > 0 ? `Notes from this run:\n\n${result.notes.map((note) => `- ${note}`).join('\n')}\n` : ''}
${CLUSTER_GUARANTEES}
${CLUSTER_END}`;
}

const CLUSTER_GUARANTEES = `### What the cluster soak guarantees

- **Cost totals: exact**, through both failovers, because every record is confirmed by the shard's replica
  (\`WAIT 1\` in one pipeline with the write) before it counts. A record its master acknowledged but no replica
  confirmed fails, is kept pending and replayed on the new master; its record id makes the replay count once per
  scope (component, user), also when the first write did survive. With one replica per master the replica that
  takes over is the one that confirmed; with more replicas per master, \`confirmReplicas\` must equal their number
  for the same guarantee (Redis promotes the most up-to-date replica, but does not promise it). Without
  \`confirmReplicas\` this check fails: a run with \`confirmReplicas: 0\` lost 6 charged calls (1102 of 1108
  in Redis), the writes the killed master acknowledged while its replica was cut off (the package test
  \`redis-cost-cluster.test.ts\` shows the same deterministically).
- **Rate limit: never above the limit in a window the limiter decided.** Increments are not confirmed (one round
  trip per decision matters more there). A window is ${'1 s'} here, shorter than a failover (a master must be silent
  for \`cluster-node-timeout\` before its replica takes over), so the windows whose counts a failover could lose
  have ended before the replica serves. With windows longer than a failover, the increments a dying master
  acknowledged and had not passed on are lost, and the window may admit that many more calls (on a local network,
  the writes of the last millisecond or so). Calls on the failed shard during the failover are admitted on a store
  error (\`onStoreError: 'allow'\`, counted apart) or refused with \`'deny'\`.
- **Cache: entries survive the failover.** Every entry at least ${'0.5 s'} old when its master was killed is found
  afterwards on the replica that took over; while a shard fails over, its lookups and writes fail within
  \`commandTimeoutMs\` and the calls run the model (a miss, not an error).
- **Bounded waits:** no call waits longer than the sum of the hooks' Redis timeouts while a master is down or hung
  (the latency check above), with or without confirmation.
- **Not covered:** a replica and its master failing together (the shard's data is gone), a network partition
  that leaves a minority master serving clients for longer than \`cluster-node-timeout\` (the paused master
  covers the same loss: it acknowledged nothing while stopped, and what it had not passed on is dropped), and a
  restart of a killed master before its replica took over (it would come back empty and the replica would copy
  that): the soak restarts it only once the replica has taken over.
`;

/** The hostile worker's figures: what each kind of probe got, how long it took, heap samples. */
function hostileSection(settings, figures) {
  const hostile = figures.hostile;
  if (!hostile) return '';
  const { hostile: bounds } = settings;
  const mb = (bytes) => `${(bytes / 1_000_000).toFixed(1)} MB`;
  const rows = Object.entries(hostile.outcomes).map(([kind, outcomes]) => {
    const took = hostile.durations?.[kind];
    const mean = took ? (took.totalMs / took.calls).toFixed(1) : '–';
    const max = took ? took.maxMs.toFixed(1) : '–';
    const counts = Object.entries(outcomes)
      .sort((a, b) => b[1] - a[1])
      .map(([outcome, count]) => `${outcome} ${count}`)
      .join(', ');
    return `| ${kind} | ${Object.values(outcomes).reduce((sum, count) => sum + count, 0)} | ${counts} | ${mean} / ${max} ms |`;
  });
  return `
### Hostile worker

${hostile.calls} hostile calls from ${bounds.lanes} lanes in ${(hostile.runMs / 1000).toFixed(1)} s (the model ran for ${hostile.ranCalls}), and
${hostile.canary.calls} canary calls of a plain caller in between (${hostile.canary.ok} answered). "answered" is the hostile worker's own
model's answer, which differs from the workers' for the same prompt: served to a worker from the cache, it would
fail that worker's answer check. "error: HookConfigError" is the executor refusing metadata that is not a string
before any hook runs (thrown to that caller).

| probe | calls | outcomes | mean / max latency |
| --- | --- | --- | --- |
${rows.join('\n')}

Budgets: ${hostile.users} users with spend, ${hostile.reachedBudget} of them at or past the ${bounds.perUserBudgetUsd} USD budget; the most one went past
it: ${usd(hostile.worstOvershootPico)} (the largest call it ran costs ${usd(hostile.largestCallPico)}). Heap after GC (calls: bytes):
${hostile.heap.samples.map(([calls, bytes]) => `${calls}: ${mb(bytes)}`).join(', ')}. Longest event-loop delay: hostile worker
${hostile.eventLoopDelay.hostile.maxMs.toFixed(1)} ms, workers ${hostile.eventLoopDelay.workersMaxMs.toFixed(1)} ms.
`;
}

/** RESULTS.md: what ran, every check, the figures behind them. */
export function renderResults({ settings, result, environment }) {
  const { figures } = result;
  const { latency, metrics } = figures;
  const table = checksTable(result.checks);
  const cost = figures.stored?.component;
  return `# Chaos soak results

Written by \`pnpm test:chaos\` (\`reliability/chaos/run-chaos.mjs\`); the numbers below are from the run of
${environment.date}: ${environment.cpus} cores, Node ${environment.node}, redis-server ${environment.redisVersion},
${(environment.elapsedMs / 1000).toFixed(1)} s for the whole soak. Overall: **${result.passed ? 'passed' : 'FAILED'}**.

## What runs

${settings.workers} worker processes share one redis-server. Each registers all four hooks on its own
\`HookRegistry\` and makes ${settings.callsPerWorker} calls to one agent (\`chaos-agent\`), ${settings.lanesPerWorker} at a
time with ${settings.thinkMs} ms between a lane's calls; the simulated model takes ${settings.operationMinMs}–${settings.operationMaxMs} ms.

- \`SecurityValidationHook\` (\`SecurityConfig.strict()\`: SQL and prompt injection detectors) at BeforeAgentExecution.
- \`RateLimitingHook\`, Redis-shared: ${settings.rateLimit.requestsPerWindow} calls per ${settings.rateLimit.windowMs} ms per user
  (${settings.users.length} users, every worker counting against the same windows), \`storeTimeoutMs\` ${settings.rateLimit.storeTimeoutMs}.
- \`RedisCachingHook\`: \`commandTimeoutMs\` ${settings.cache.commandTimeoutMs}, single-flight on (default).
- \`CostTrackingHook\` on a \`RedisCostStore\` (\`commandTimeoutMs\` ${settings.cost.commandTimeoutMs}), one model priced at
  ${settings.cost.inputPer1k} / ${settings.cost.outputPer1k} USD per 1K input / output tokens.
- \`HookExecutor\`: \`defaultTimeoutMs\` ${settings.executor.defaultTimeoutMs}, circuit breaker defaults except
  \`slowCallMs\` ${settings.executor.circuitBreaker?.slowCallMs ?? 100} (see "Choices").

Calls: ${Math.round((1 - settings.repeatedShare - settings.injectionShare) * 100)}% unique plain requests (some use SQL words in
plain English), ${Math.round(settings.repeatedShare * 100)}% from a pool of 8 repeated prompts, ${Math.round(settings.injectionShare * 100)}% injection attempts
(SQL tautologies, UNION SELECT, stacked queries, comment truncation, percent-encoded, fullwidth and comment-split
variants, prompt overrides). Every answer, cached or not, is checked against what the model gives for that prompt.

Faults: at ${settings.killAtProgress * 100}% of all calls Redis is killed (SIGKILL) and restarted ${settings.outageMs / 1000} s later on
the same port; at ${settings.pauseAtProgress * 100}% it is paused (SIGSTOP) for ${settings.outageMs / 1000} s: a Redis that hangs
with its socket open instead of refusing.

Beside them, a hostile worker with the same hooks and executor defaults sends what hostile callers send (inputs
that are not objects, absurd \`maxCostUsd\`, ids with key separators, 100 KB ids, reused sub-objects, prototype
keys) until the workers are done, with canary calls of a plain caller in between; see "How the checks are made".

## Checks

${table}

## Figures

| figure | value |
| --- | --- |
| calls | ${figures.calls} |
| answered (model or cache) | ${figures.succeeded} (${figures.servedFromCache} from the cache or a single-flight result) |
| refused by the rate limit | ${figures.rateLimited} |
| injection attempts blocked | ${figures.injectionsBlocked} of ${figures.injections} |
| rate-limit windows checked | ${figures.windowCount} (fullest: ${figures.fullestWindow} of ${settings.rateLimit.requestsPerWindow}) |
| calls admitted on a rate-limit store error (\`onStoreError: 'allow'\`) | ${figures.storeErrorAdmissions} (${figures.failOpenCounted} of them filled a count of a window that refused calls, outside the outages) |
| calls the rate limiter was not consulted for (circuit open) | ${figures.notConsulted} |
| cost in Redis | ${cost ? `${usd(cost.costPicoUsd)} over ${cost.calls} calls, ${cost.inputTokens} + ${cost.outputTokens} tokens` : 'unreadable'} |
| cost expected from the workers' runs | ${usd(figures.expectedCost.costPicoUsd)} over ${figures.expectedCost.calls} calls, ${figures.expectedCost.inputTokens} + ${figures.expectedCost.outputTokens} tokens |
| cost records still pending at exit | ${figures.pendingCostRecords} |
| call latency, all calls | p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms, max ${latency.max.toFixed(1)} ms |
| worst latency while Redis was killed | ${latency.killMax.toFixed(1)} ms |
| worst latency while Redis was paused | ${latency.pauseMax.toFixed(1)} ms |
| latency bound from the configured timeouts | ${latency.boundMs} ms |
| cache hits / misses / errors | ${metrics.cacheHits} / ${metrics.cacheMisses} / ${metrics.cacheErrors} |
| rate-limit store errors | ${metrics.rateLimitStoreErrors} |
| cost store errors (records kept and replayed) | ${metrics.costStoreErrors} |
| executor: hook failures / timeouts / skips / circuits opened | ${metrics.hookFailures} / ${metrics.hookTimeouts} / ${metrics.hookSkips} / ${metrics.circuitsOpened} |

${hostileSection(settings, figures)}
${result.notes.length > 0 ? `Notes from this run:\n\n${result.notes.map((note) => `- ${note}`).join('\n')}\n` : ''}
## How the checks are made

- **Should have succeeded**: every non-injection call, except those the rate limiter refused with its own
  window decision and those the security scan refuses outside the soak too (next item). Succeeded means the call resolved with the right answer for its prompt.
- **Plain prompts the security scan refuses**: a non-injection call the security hook refused whose text a fresh
  hook with the same config also refuses outside the soak: the detector's judgement of that text (the
  classifier's false positives, measured on public data in \`packages/hook-security\`), not a fault. At most
  ${settings.maxBenignRefusedShare * 100} % of the plain calls may be refused so; each is listed in the notes.
- **Wrongly cancelled**: a non-injection call cancelled for any other reason (a security refusal the scan does
  not repeat outside the soak included), plus refusals in a window that was
  not full. A window is full when its admissions plus the calls admitted on a store error that Redis still
  counted there reach the limit: a command that timed out on the client (the call is admitted, fail-open) may
  run in Redis a moment later, and then it holds one of the window's counts. Such a call is matched to at most
  one window whose count it could hold (it ran no earlier than the call started and no later than one window
  length after the client gave up). Windows within one window length of an outage are not judged: there a
  command may run seconds after its call gave up.
- **Rate limit**: each decision the Redis store made carries \`data.rateLimit\` (read by a thin wrapper around
  the hook); the window it belongs to is identified by when it ends (decision time + \`resetMs\`). Per user and
  window, admissions must not exceed the limit and their counts must be distinct. Calls admitted because the
  store failed (\`onStoreError: 'allow'\`, the default) are counted separately: they are the configured fail-open
  behaviour, not admissions by the limiter, so the above-the-limit check leaves them out (the full-window check
  above counts those whose command Redis still ran).
- **Token limit**: once Redis is back from the pause, while the workers keep calling, ${settings.tokenBurst.processes} fresh processes
  each fire ${settings.tokenBurst.callsPerProcess} concurrent calls of known usage (100–599 tokens, estimated exactly) at one key of a
  \`RateLimitingHook\` with \`tokensPerWindow: ${settings.tokenBurst.tokensPerWindow}\` on the same Redis; one call uses ${settings.tokenBurst.overrun} tokens more than it
  estimated. The tokens of the admitted calls must stay within the limit plus that overrun, and reach the limit
  within one call (more than the limit minus the largest call), with no store error.
- **Cost**: the component's and every user's totals read from Redis after all workers flushed and exited must
  equal, exactly (integer pico-dollars, calls and tokens), the sum over the calls whose operation ran.
  Redis runs with an append-only file and \`appendfsync always\` so that the SIGKILL loses no acknowledged write;
  without persistence a crash wipes every total and no exact check is possible.
- **Latency bound**: one call makes at most a rate-limit take (${settings.rateLimit.storeTimeoutMs} ms), a cache get and set
  (${settings.cache.commandTimeoutMs} ms each) and a cost write (${settings.cost.commandTimeoutMs} ms) against Redis; a single-flight waiter
  also waits for the identical call ahead of it, so the bound is twice that, plus the slowest model call and
  ${settings.schedulingMarginMs} ms for scheduling on a loaded machine.
- **Exit**: workers never call \`process.exit\`; after their last call they unregister their hooks and close the
  cost store, and must then exit within ${settings.exitGraceMs / 1000} s.
- **Hostile worker** (\`chaos/hostile-worker.mjs\`): the same four hooks and executor defaults as a worker, on the
  same cache and rate-limit keys, run beside the workers until they are done, from ${settings.hostile.lanes} lanes. Its calls cycle
  through: inputs that are not \`{ text }\` (\`null\`, numbers, strings, arrays, \`{}\`, \`{ text: 42 }\`);
  \`metadata.maxCostUsd\` of '1e99999999999', '1e100000000', '1e30', '-1', 'NaN', 'Infinity', 30-digit decimals
  and non-strings; user and tenant ids made of \`:\`, \`|\`, \`{\`, \`}\` and \`\\\`; 100 KB user and tenant ids (a fresh one
  now and then); the user ids 'global', '__proto__' and 'constructor'; an input that reuses one sub-object at each
  of ${settings.hostile.sharedDepth} levels; \`__proto__\`, \`constructor\`, \`toString\` keys in the input and the metadata (parsed from JSON); 100 KB
  texts; and plain calls of a spender with a true estimate. Its model answers differently from the workers' model,
  so a cache entry served across callers fails a worker's answer check. Each lane also makes a canary call of a
  plain caller (no user id) at most every ${settings.hostile.canaryIntervalMs} ms, in the same process, which must be answered.
  - **Breakers**: \`hook.circuit_opened\` events of every hook in every worker and the hostile worker, plus any
    circuit not closed in \`executor.stats()\` at the end: 0.
  - **Hook failures**: the hostile worker's executor records no hook failure or timeout (no hook throws on what
    a caller sends; refusals are results), and \`Object.prototype\` gains nothing.
  - **Budget**: each of its users has a ${settings.hostile.perUserBudgetUsd} USD budget (\`onStoreError: 'deny'\`: with the default
    'allow', an outage admits calls unchecked by design). After it flushed, each user's spend read from Redis must
    equal what its model ran for that user, and exceed the budget by at most the cost of one call of that user.
    Calls of one user never overlap (ids are per lane).
  - **Heap**: heapUsed after a forced GC once ${settings.hostile.warmUpCalls} calls are done (its EventBus history, capped at
    ${settings.hostile.eventHistoryBytes / 1024} KiB, is full by then), every ${settings.hostile.heapSampleEvery} calls, and at the end: growth < ${settings.hostile.maxHeapGrowthBytes / 1_000_000} MB
    over at least ${settings.hostile.minHeapCalls} calls.
  - **Event loop**: the maximum delay of \`perf_hooks.monitorEventLoopDelay\` in the hostile worker (leaving out
    the GCs it forces for the heap samples) and in every worker: ≤ ${settings.hostile.maxEventLoopDelayMs} ms.

## Choices

- The executor runs with its defaults, circuit breaker included. The cost hook, the rate limiter and the cache
  declare \`metadata().slowCallMs\` above their own bounded store waits, so a hung Redis does not open their
  circuits (before they did, a 2 s hang left 937 of 1,816 calls uncharged and the rate limiter skipped for 15 s).
- Fewer calls than a long soak would make, so that the whole \`pnpm test:chaos\` stays well under five minutes on
  a 2-core machine: ${settings.workers} × ${settings.callsPerWorker} calls.
`;
}
