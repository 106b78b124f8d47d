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

/** RESULTS.md: what ran, every check, the figures behind them. */
export function renderResults({ settings, result, environment }) {
  const { figures } = result;
  const { latency, metrics } = figures;
  const table = [
    '| check | value | expected | status |',
    '| --- | --- | --- | --- |',
    ...result.checks.map(
      ({ check, value, expected, pass }) =>
        `| ${check} | ${value} | ${expected} | ${pass ? 'pass' : '**FAIL**'} |`,
    ),
  ].join('\n');
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

## Choices

- The executor runs with its defaults, circuit breaker included. The cost hook, the rate limiter and the cache
  declare \`metadata().slowCallMs\` above their own bounded store waits, so a hung Redis does not open their
  circuits (before they did, a 2 s hang left 937 of 1,816 calls uncharged and the rate limiter skipped for 15 s).
- Fewer calls than a long soak would make, so that the whole \`pnpm test:chaos\` stays well under five minutes on
  a 2-core machine: ${settings.workers} × ${settings.callsPerWorker} calls.
`;
}
