// Turns what the chaos workers reported (every call, with the rate limiter's decision and what the operation ran)
// and what Redis holds into pass/fail checks and figures.

/** USD per 1K tokens as a decimal string → integer pico-dollars per token (1 pico-dollar = 1e-12 USD). */
function picoPerToken(per1k) {
  const [whole, fraction = ''] = per1k.split('.');
  // per token = per1k / 1000; in pico = per1k × 1e12 / 1000 = per1k × 1e9.
  return BigInt(whole + fraction.padEnd(9, '0').slice(0, 9));
}

function percentile(sorted, share) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))];
}

const overlaps = (call, window) => call.startMs <= window.to && call.endMs >= window.from;

/** Groups one key's decisions into windows: window ends are at least windowMs apart, estimates are close. */
function windowsOf(decisions, windowMs) {
  const sorted = [...decisions].sort((a, b) => a.windowEnd - b.windowEnd);
  const windows = [];
  let current;
  for (const decision of sorted) {
    if (!current || decision.windowEnd - current.lastEnd > windowMs / 2) {
      current = { firstEnd: decision.windowEnd, lastEnd: decision.windowEnd, admitted: [], rejected: [] };
      windows.push(current);
    }
    current.lastEnd = decision.windowEnd;
    (decision.decision === 'admitted' ? current.admitted : current.rejected).push(decision);
  }
  return windows;
}

/** The token-limit burst: admitted tokens within the limit plus the one overrun, and within one call of the limit. */
function tokenBurstCheck(settings, answers) {
  if (settings.tokenBurst === undefined) return [];
  const { tokensPerWindow, overrun, processes, callsPerProcess } = settings.tokenBurst;
  const reported = (answers ?? []).filter((answer) => answer.error === undefined && answer.exitCode === 0);
  const admitted = reported.reduce((sum, answer) => sum + answer.admittedTokens, 0);
  const largest = Math.max(0, ...reported.map((answer) => answer.largestCall));
  const storeErrors = reported.reduce((sum, answer) => sum + answer.storeErrors, 0);
  return [
    {
      check: `token limit: tokens admitted from ${processes} processes × ${callsPerProcess} concurrent calls on one key`,
      value: answers
        ? `${admitted} of ${tokensPerWindow} (${reported.map((answer) => answer.admittedTokens).join(' + ')}; ${storeErrors} store errors)`
        : 'not run',
      expected: `${tokensPerWindow - largest + 1}–${tokensPerWindow + overrun}`,
      pass:
        reported.length === processes &&
        storeErrors === 0 &&
        admitted <= tokensPerWindow + overrun &&
        admitted > tokensPerWindow - largest,
    },
  ];
}

/**
 * Pairs each window's counts that no decision reported with calls admitted on a store error (their command timed out
 * on the client, yet Redis may still have run it: one increment for one admitted call). A call can be counted in
 * a window when its command could have run there: not before the call started, not later than one window length
 * after the client gave up. Each call is used once; windows are served in time order, calls that must land
 * soonest first. Returns, per window, how many of its unreported counts such calls explain.
 */
function explainUnreported(windows, failOpen, windowMs, limit, timeoutMs) {
  const candidates = failOpen
    .map((call) => ({ from: call.startMs, to: call.endMs + windowMs, used: false }))
    .sort((a, b) => a.to - b.to);
  return windows.map((window) => {
    const unreported = Math.max(0, limit - window.admitted.length);
    if (window.rejected.length === 0 || unreported === 0) return 0;
    // The window began one window length before its end; its real end is at most one store timeout after the
    // latest estimate (an estimate counts from when the command was sent, not when Redis ran it).
    const from = window.firstEnd - windowMs;
    const to = window.lastEnd + timeoutMs;
    let explained = 0;
    for (const candidate of candidates) {
      if (explained === unreported) break;
      if (candidate.used || candidate.to < from || candidate.from > to) continue;
      candidate.used = true;
      explained += 1;
    }
    return explained;
  });
}

const picoOf = (settings, [input, output]) =>
  BigInt(input) * picoPerToken(settings.cost.inputPer1k) +
  BigInt(output) * picoPerToken(settings.cost.outputPer1k);

/** Decimal USD (a number or string) → integer pico-dollars. */
function usdToPico(usd) {
  const [whole, fraction = ''] = String(usd).split('.');
  return BigInt(whole + fraction.padEnd(12, '0').slice(0, 12));
}

const usdText = (pico) => {
  const text = pico.toString().padStart(13, '0');
  return `$${text.slice(0, -12)}.${text.slice(-12).replace(/0+$/, '') || '0'}`;
};

/**
 * The hostile worker's checks: its budgets held (spend in Redis within one call of the budget, and equal to what
 * its model ran), its heap stayed flat, its plain canary calls were served, no hook failed on its callers' data,
 * and no event loop (its own or a worker's) was blocked beyond the bound.
 */
function hostileChecks({ settings, hostile, workers, refusedOutsideSoak, notes }) {
  const bounds = settings.hostile;
  const report = hostile?.report;
  if (!report) {
    notes.push('hostile worker: no report');
    return {
      checks: [{ check: 'hostile worker reported', value: 'no report', expected: 'a report', pass: false }],
      figures: undefined,
    };
  }
  // Budgets: per user, spend in Redis − budget ≤ the largest call that user ran; spend = what ran, exactly.
  const budgetPico = usdToPico(bounds.perUserBudgetUsd);
  let worstOvershoot = 0n;
  let worstAllowed = 0n;
  let largestCall = 0n;
  let overshootBeyondOneCall = 0;
  let inexact = 0;
  let reachedBudget = 0;
  for (const { user, ran, stored } of report.budgets) {
    const costs = ran.map((tokens) => picoOf(settings, tokens));
    const expected = costs.reduce((sum, cost) => sum + cost, 0n);
    let oneCall = 0n;
    for (const cost of costs) if (cost > oneCall) oneCall = cost;
    if (oneCall > largestCall) largestCall = oneCall;
    if (
      stored.error !== undefined ||
      BigInt(stored.costPicoUsd) !== expected ||
      stored.calls !== ran.length
    ) {
      inexact += 1;
      notes.push(
        `hostile worker: user ${user}: Redis holds ${stored.error ?? `${stored.costPicoUsd} pico-USD over ${stored.calls} calls`}, its model ran ${ran.length} calls for ${expected}`,
      );
      continue;
    }
    const spent = expected;
    if (spent >= budgetPico) reachedBudget += 1;
    const overshoot = spent > budgetPico ? spent - budgetPico : 0n;
    if (overshoot > worstOvershoot) {
      worstOvershoot = overshoot;
      worstAllowed = oneCall;
    }
    if (overshoot > oneCall) {
      overshootBeyondOneCall += 1;
      notes.push(`hostile worker: user ${user} spent ${usdText(spent)} of a ${usdText(budgetPico)} budget`);
    }
  }
  const users = report.budgets.length;

  // Canaries: a plain caller between the hostile ones, in the same process, must be answered. A refusal the security
  // scan repeats outside the soak is its verdict on the text (as for the workers' plain prompts).
  const canaryFailures = report.canary.failures.filter(
    (failure) =>
      !(
        failure.outcome.startsWith('cancelled: Security violation') &&
        typeof failure.text === 'string' &&
        refusedOutsideSoak(failure.text)
      ),
  );
  const canaryWrong = report.canary.failed - (report.canary.failures.length - canaryFailures.length);
  for (const failure of canaryFailures) {
    notes.push(`hostile worker: canary "${failure.text}" ${failure.outcome}: ${failure.detail}`);
  }

  const heapGrowth =
    report.heap.startBytes === null
      ? Number.POSITIVE_INFINITY
      : report.heap.endBytes - report.heap.startBytes;
  const heapCalls = report.calls - report.heap.callsAtStart;
  const mb = (bytes) => `${(bytes / 1_000_000).toFixed(1)} MB`;

  const workerDelays = workers.map(
    ({ report: workerReport }) => workerReport?.eventLoopDelay?.maxMs ?? Number.NaN,
  );
  const worstWorkerDelay = Math.max(...workerDelays);
  const hostileDelay = report.eventLoopDelay.maxMs;
  const delayBound = bounds.maxEventLoopDelayMs;

  const hookFaults = report.executor.failures + report.executor.timeouts;
  const checks = [
    {
      check: 'hostile worker: plain calls in its process answered (canaries between the hostile calls)',
      value: `${report.canary.ok} / ${report.canary.calls - (report.canary.failed - canaryWrong)}`,
      expected: 'all',
      pass: report.canary.calls > 0 && canaryWrong === 0,
    },
    {
      check: "hostile worker: hook failures or timeouts on its callers' data; prototype polluted",
      value: `${hookFaults} (${report.executor.failures} failures, ${report.executor.timeouts} timeouts); ${report.prototypePolluted ? 'polluted' : 'no'}`,
      expected: '0; no',
      pass: hookFaults === 0 && report.prototypePolluted === false,
    },
    {
      check: `hostile worker: budget overshoot (spend in Redis − ${usdText(budgetPico)} budget per user)`,
      value:
        `${usdText(worstOvershoot)} at most (one call of that user: ${usdText(worstAllowed)}); ` +
        `${reachedBudget} of ${users} users reached the budget; spend = what ran for ${users - inexact} of ${users}`,
      expected: '≤ one call, spend exact',
      pass: users > 0 && reachedBudget > 0 && overshootBeyondOneCall === 0 && inexact === 0,
    },
    {
      check: 'hostile worker: heap growth after GC',
      value: `${mb(heapGrowth)} over ${heapCalls} calls (${mb(report.heap.startBytes ?? 0)} → ${mb(report.heap.endBytes)})`,
      expected: `< ${mb(bounds.maxHeapGrowthBytes)} over ≥ ${bounds.minHeapCalls} calls`,
      pass: heapCalls >= bounds.minHeapCalls && heapGrowth < bounds.maxHeapGrowthBytes,
    },
    {
      check: 'longest event-loop block (max delay)',
      value: `hostile worker ${hostileDelay.toFixed(1)} ms, workers ${worstWorkerDelay.toFixed(1)} ms`,
      expected: `≤ ${delayBound} ms`,
      pass: hostileDelay <= delayBound && worstWorkerDelay <= delayBound,
    },
  ];
  return {
    checks,
    figures: {
      calls: report.calls,
      ranCalls: report.ranCalls,
      runMs: report.runMs,
      outcomes: report.outcomes,
      durations: report.durations,
      canary: { calls: report.canary.calls, ok: report.canary.ok, failed: report.canary.failed },
      users,
      reachedBudget,
      largestCallPico: largestCall,
      worstOvershootPico: worstOvershoot,
      heap: { ...report.heap, growth: heapGrowth, calls: heapCalls },
      eventLoopDelay: { hostile: report.eventLoopDelay, workersMaxMs: worstWorkerDelay },
      executor: report.executor,
      circuitsOpened: report.events?.['hook.circuit_opened'] ?? 0,
      pendingCostRecords: report.pendingCostRecords,
    },
  };
}

export function analyse({
  settings,
  faults,
  workers,
  stored,
  storeError,
  tokenBurst,
  orchestratorUnhandled,
  refusedOutsideSoak = () => false,
  hostile,
}) {
  const notes = [];
  const calls = workers.flatMap(({ report }) => report?.calls ?? []);
  const limit = settings.rateLimit.requestsPerWindow;
  const { windowMs } = settings.rateLimit;

  // Calls by what should have happened to them.
  let shouldSucceed = 0;
  let succeeded = 0;
  let servedFromCache = 0;
  let rateLimited = 0;
  let wronglyCancelled = 0;
  let benignRefused = 0;
  let plainCalls = 0;
  let failed = 0;
  let injections = 0;
  let injectionsThrough = 0;
  let injectionsBlocked = 0;
  const examples = [];
  const example = (label, call) => {
    if (examples.length < 12)
      examples.push(`${label}: ${call.requestId} "${call.text ?? ''}" ${call.outcome} ${call.reason ?? ''}`);
  };
  for (const call of calls) {
    if (call.kind === 'injection') {
      injections += 1;
      const blocked = call.outcome === 'cancelled' && call.reason?.startsWith('Security violation');
      if (call.ran || call.outcome === 'ok' || call.outcome === 'wrong_output') {
        injectionsThrough += 1;
        example('injection got through', call);
      } else if (blocked) {
        injectionsBlocked += 1;
      } else {
        failed += 1;
        example('injection failed otherwise', call);
      }
      continue;
    }
    const rejectedByLimit =
      call.outcome === 'cancelled' &&
      call.reason === 'Rate limit exceeded' &&
      call.rateLimit.decision === 'rejected';
    if (rejectedByLimit) {
      rateLimited += 1;
      continue;
    }
    plainCalls += 1;
    // The scan's own verdict on the text (it refuses it outside the soak too): a false positive of the detector,
    // counted against its bound below, not a call the faults cancelled.
    const refusedBySecurity = call.outcome === 'cancelled' && call.reason?.startsWith('Security violation');
    if (refusedBySecurity && typeof call.text === 'string' && refusedOutsideSoak(call.text)) {
      benignRefused += 1;
      example('plain prompt the security scan refuses', call);
      continue;
    }
    shouldSucceed += 1;
    if (call.outcome === 'ok') {
      succeeded += 1;
      if (!call.ran) servedFromCache += 1;
    } else if (call.outcome === 'cancelled') {
      wronglyCancelled += 1;
      example('wrongly cancelled', call);
    } else {
      failed += 1;
      example(call.outcome, call);
    }
  }

  // Rate limit: per key and window, admissions decided by Redis never exceed the limit, and a window whose
  // calls were refused was full. Full counts the calls admitted on a store error whose command Redis still ran
  // (it timed out on the client, then ran late): one increment each, for a call that was admitted. Windows near
  // an outage are not judged: there a command may run long after its call gave up.
  const byKey = new Map();
  const failOpenByKey = new Map();
  let storeErrorAdmissions = 0;
  let notConsulted = 0;
  for (const call of calls) {
    const { rateLimit } = call;
    const key = `chaos-agent:${call.userId}`;
    if (rateLimit.decision === 'store_error') {
      storeErrorAdmissions += 1;
      if (!failOpenByKey.has(key)) failOpenByKey.set(key, []);
      failOpenByKey.get(key).push(call);
    }
    if (rateLimit.decision === 'not_consulted' && call.kind !== 'injection') notConsulted += 1;
    if (rateLimit.windowEnd === null || rateLimit.windowEnd === undefined) continue;
    if (!byKey.has(key)) byKey.set(key, []);
    byKey.get(key).push({ ...rateLimit, requestId: call.requestId });
  }
  let windowCount = 0;
  let overLimit = 0;
  let countCollisions = 0;
  let refusedInPartialWindow = 0;
  let fullestWindow = 0;
  let failOpenCounted = 0;
  for (const [key, decisions] of byKey) {
    const windows = windowsOf(decisions, windowMs);
    const explained = explainUnreported(
      windows,
      failOpenByKey.get(key) ?? [],
      windowMs,
      limit,
      settings.rateLimit.storeTimeoutMs,
    );
    for (const [index, window] of windows.entries()) {
      windowCount += 1;
      const admitted = window.admitted.length;
      fullestWindow = Math.max(fullestWindow, admitted);
      if (admitted > limit) {
        overLimit += admitted - limit;
        notes.push(`rate limit: ${admitted} admissions in one window of ${key} (limit ${limit})`);
      }
      const counts = new Set(window.admitted.map((decision) => decision.count));
      if (counts.size !== admitted) countCollisions += admitted - counts.size;
      const span = { from: window.firstEnd - windowMs - windowMs, to: window.lastEnd + windowMs };
      const nearFault = faults.some((fault) => fault.from <= span.to && fault.to >= span.from);
      const failOpen = explained[index];
      if (window.rejected.length > 0 && admitted + failOpen < limit && !nearFault) {
        refusedInPartialWindow += window.rejected.length;
        notes.push(
          `rate limit: ${window.rejected.length} calls of ${key} refused in a window with only ${admitted} admissions` +
            ` and ${failOpen} calls admitted on a store error that could have counted there`,
        );
      } else if (!nearFault) {
        failOpenCounted += failOpen;
      }
    }
  }

  // Cost: Redis totals equal what the operations that ran used, exactly.
  const inputPico = picoPerToken(settings.cost.inputPer1k);
  const outputPico = picoPerToken(settings.cost.outputPer1k);
  const expectedOf = (selected) => {
    let inputTokens = 0;
    let outputTokens = 0;
    for (const call of selected) {
      inputTokens += call.inputTokens;
      outputTokens += call.outputTokens;
    }
    return {
      calls: selected.length,
      inputTokens,
      outputTokens,
      costPicoUsd: BigInt(inputTokens) * inputPico + BigInt(outputTokens) * outputPico,
    };
  };
  const ranCalls = calls.filter((call) => call.ran);
  const expectedCost = expectedOf(ranCalls);
  const sameTotals = (actual, expected) =>
    actual !== undefined &&
    actual.calls === expected.calls &&
    actual.inputTokens === expected.inputTokens &&
    actual.outputTokens === expected.outputTokens &&
    actual.costPicoUsd === expected.costPicoUsd;
  let costExact = stored !== undefined && sameTotals(stored.component, expectedCost);
  for (const user of settings.users) {
    const expected = expectedOf(ranCalls.filter((call) => call.userId === user));
    if (!stored || !sameTotals(stored.users[user], expected)) costExact = false;
  }
  if (storeError) notes.push(`cost: reading the totals failed: ${storeError}`);
  const pendingCostRecords = workers.reduce((sum, { report }) => sum + (report?.pendingCostRecords ?? 0), 0);

  // Process health.
  const unhandled =
    orchestratorUnhandled +
    workers.reduce(
      (sum, { exit }) => sum + (exit ? exit.unhandledRejections + exit.uncaughtExceptions : 0),
      0,
    ) +
    (hostile?.exit ? hostile.exit.unhandledRejections + hostile.exit.uncaughtExceptions : 0);
  const processes = hostile ? [...workers, { ...hostile, worker: 'hostile' }] : workers;
  const missingReports = processes.filter(({ report }) => !report).map(({ worker }) => worker);
  const hung = processes.filter(({ hung }) => hung);
  const badExit = processes.filter(({ exitCode, hung }) => !hung && exitCode !== 0);
  for (const { worker, handles } of hung) {
    notes.push(`worker ${worker} did not exit by itself; still open: ${(handles ?? ['unknown']).join(', ')}`);
  }
  for (const { worker, exitCode } of badExit) notes.push(`worker ${worker} exited with ${exitCode}`);
  if (missingReports.length > 0) notes.push(`no report from worker(s) ${missingReports.join(', ')}`);

  // Latency, and the bound the configured timeouts give while Redis is down.
  const latency = (selected) => selected.map((call) => call.endMs - call.startMs).sort((a, b) => a - b);
  const outageCalls = calls.filter((call) => faults.some((fault) => overlaps(call, fault)));
  const byFault = Object.fromEntries(
    faults.map((fault) => [fault.kind, latency(calls.filter((call) => overlaps(call, fault)))]),
  );
  const allLatency = latency(calls);
  const outageLatency = latency(outageCalls);
  const pathTimeoutsMs =
    settings.rateLimit.storeTimeoutMs + 2 * settings.cache.commandTimeoutMs + settings.cost.commandTimeoutMs;
  // A single-flight waiter also waits for the first identical call's path: twice the Redis timeouts at most.
  const latencyBoundMs = 2 * pathTimeoutsMs + settings.operationMaxMs + settings.schedulingMarginMs;
  const worstOutageMs = outageLatency.at(-1) ?? 0;

  const sum = (name) => workers.reduce((total, { report }) => total + (report?.metrics?.[name] ?? 0), 0);
  const eventSum = (name) => workers.reduce((total, { report }) => total + (report?.events?.[name] ?? 0), 0);

  // Breakers: a caller's data never opens one (nor does the failing Redis: the hooks' bounded waits are not faults).
  const hostileResult = hostile
    ? hostileChecks({ settings, hostile, workers, refusedOutsideSoak, notes })
    : { checks: [], figures: undefined };
  const workerCircuits = eventSum('hook.circuit_opened');
  const hostileCircuits = hostile?.report?.events?.['hook.circuit_opened'] ?? 0;
  const notClosed = [
    ...workers.flatMap(({ report }) => report?.executor?.notClosed ?? []),
    ...(hostile?.report?.executor?.notClosed ?? []),
  ];
  const circuitCheck = {
    check: hostile
      ? 'circuit breakers opened (workers and hostile worker, every hook)'
      : 'circuit breakers opened (every hook)',
    value:
      `${workerCircuits + hostileCircuits} (${workerCircuits} in the workers` +
      `${hostile ? `, ${hostileCircuits} in the hostile worker` : ''}); ${notClosed.length} not closed at the end`,
    expected: '0',
    pass: workerCircuits + hostileCircuits === 0 && notClosed.length === 0,
  };
  if (notClosed.length > 0) notes.push(`circuits not closed at the end: ${notClosed.join(', ')}`);

  const format = (ms) => `${ms.toFixed(1)} ms`;
  const checks = [
    {
      check: 'calls that should have succeeded and did',
      value: `${succeeded} / ${shouldSucceed}`,
      expected: 'all',
      pass: shouldSucceed > 0 && succeeded === shouldSucceed && failed === 0,
    },
    {
      check: 'calls wrongly cancelled',
      value: String(wronglyCancelled + refusedInPartialWindow),
      expected: '0',
      pass: wronglyCancelled + refusedInPartialWindow === 0,
    },
    {
      check: 'plain prompts the security scan refuses (also outside the soak)',
      value: `${benignRefused} of ${plainCalls} (${((100 * benignRefused) / Math.max(1, plainCalls)).toFixed(2)} %)`,
      expected: `≤ ${settings.maxBenignRefusedShare * 100} %`,
      pass: benignRefused <= settings.maxBenignRefusedShare * plainCalls,
    },
    {
      check: 'injection attempts that got through',
      value: `${injectionsThrough} (of ${injections}; ${injectionsBlocked} blocked)`,
      expected: '0',
      pass: injections > 0 && injectionsThrough === 0 && injectionsBlocked === injections,
    },
    {
      check: 'rate-limit admissions above the limit in any window',
      value: `${overLimit + countCollisions} (${windowCount} windows, fullest ${fullestWindow}/${limit})`,
      expected: '0',
      pass: windowCount > 0 && overLimit === 0 && countCollisions === 0,
    },
    {
      check: 'cost totals in Redis = sum of what workers ran',
      value: stored
        ? `${stored.component.costPicoUsd} vs ${expectedCost.costPicoUsd} pico-USD; ${stored.component.calls} vs ${expectedCost.calls} calls`
        : 'unreadable',
      expected: 'exact (component and each user)',
      pass: costExact && pendingCostRecords === 0,
    },
    ...tokenBurstCheck(settings, tokenBurst),
    circuitCheck,
    {
      check: 'unhandled rejections / uncaught exceptions',
      value: String(unhandled),
      expected: '0',
      pass: unhandled === 0,
    },
    ...hostileResult.checks,
    {
      check: hostile
        ? 'workers that exited by themselves (the hostile worker included)'
        : 'workers that exited by themselves',
      value: `${processes.length - hung.length - badExit.length} / ${processes.length}`,
      expected: 'all',
      pass: hung.length === 0 && badExit.length === 0 && missingReports.length === 0,
    },
    {
      check: 'worst call latency while Redis was down',
      value: `${format(worstOutageMs)} (${outageCalls.length} calls)`,
      expected: `≤ ${latencyBoundMs} ms`,
      pass: outageCalls.length > 0 && worstOutageMs <= latencyBoundMs,
    },
    {
      check: 'faults injected',
      value:
        faults.map((fault) => `${fault.kind} ${Math.round(fault.to - fault.from)} ms`).join(', ') || 'none',
      expected: 'kill, pause',
      pass: faults.length === 2,
    },
  ];

  const figures = {
    calls: calls.length,
    shouldSucceed,
    succeeded,
    servedFromCache,
    rateLimited,
    wronglyCancelled,
    benignRefused,
    refusedInPartialWindow,
    failed,
    injections,
    injectionsBlocked,
    injectionsThrough,
    windowCount,
    fullestWindow,
    overLimit,
    countCollisions,
    storeErrorAdmissions,
    failOpenCounted,
    notConsulted,
    expectedCost,
    stored,
    pendingCostRecords,
    unhandled,
    latency: {
      p50: percentile(allLatency, 0.5),
      p99: percentile(allLatency, 0.99),
      max: allLatency.at(-1) ?? 0,
      outageCalls: outageCalls.length,
      outageMax: worstOutageMs,
      killMax: byFault.kill?.at(-1) ?? 0,
      pauseMax: byFault.pause?.at(-1) ?? 0,
      boundMs: latencyBoundMs,
    },
    metrics: {
      cacheHits: sum('cacheHits'),
      cacheMisses: sum('cacheMisses'),
      cacheErrors: sum('cacheErrors'),
      rateLimitStoreErrors: sum('rateLimitStoreErrors'),
      costStoreErrors: sum('costStoreErrors'),
      hookFailures: sum('hookFailures'),
      hookTimeouts: sum('hookTimeouts'),
      hookSkips: sum('hookSkips'),
      circuitsOpened: workerCircuits,
    },
    hostile: hostileResult.figures,
  };
  notes.push(...examples);
  return { passed: checks.every((check) => check.pass), checks, figures, notes };
}
