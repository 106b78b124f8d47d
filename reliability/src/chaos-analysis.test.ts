import { describe, expect, it } from 'vitest';
import { analyse } from '../chaos/analyse.mjs';

const settings = {
  users: ['ann'],
  rateLimit: { requestsPerWindow: 3, windowMs: 1_000, storeTimeoutMs: 250 },
  cache: { commandTimeoutMs: 100 },
  cost: { commandTimeoutMs: 250, inputPer1k: '0.001', outputPer1k: '0.002' },
  operationMaxMs: 15,
  schedulingMarginMs: 500,
  maxBenignRefusedShare: 0.01,
};

type RateLimit =
  | { decision: 'admitted'; count: number; windowEnd: number }
  | { decision: 'rejected'; windowEnd: number }
  | { decision: 'store_error' };

let nextId = 0;
function call(startMs: number, rateLimit: RateLimit) {
  const rejected = rateLimit.decision === 'rejected';
  return {
    requestId: `0-${nextId++}`,
    kind: 'unique',
    userId: 'ann',
    startMs,
    endMs: startMs + (rateLimit.decision === 'store_error' ? 250 : 5),
    outcome: rejected ? 'cancelled' : 'ok',
    reason: rejected ? 'Rate limit exceeded' : undefined,
    rateLimit,
    ran: !rejected,
    inputTokens: 0,
    outputTokens: 0,
  };
}

/** A window of ann's ending at 10 s: counts 2 and 3 admitted, one call refused; count 1 was never reported. */
function refusedWithCountOneUnreported() {
  return [
    call(9_300, { decision: 'admitted', count: 2, windowEnd: 10_000 }),
    call(9_400, { decision: 'admitted', count: 3, windowEnd: 10_000 }),
    call(9_500, { decision: 'rejected', windowEnd: 10_000 }),
  ];
}

function wronglyCancelled(calls: ReturnType<typeof call>[]) {
  const result = analyse({
    settings,
    faults: [],
    workers: [{ worker: 0, report: { calls }, exitCode: 0 }],
    stored: undefined,
    storeError: undefined,
    orchestratorUnhandled: 0,
  });
  return {
    value: result.checks.find((check) => check.check === 'calls wrongly cancelled')?.value,
    failOpenCounted: result.figures.failOpenCounted,
  };
}

describe('chaos analysis of rate-limit refusals', () => {
  it('counts a fail-open call whose timed-out command Redis still ran as holding a count of the window', () => {
    // Its command timed out on the client at 9.25 s, so the call was admitted; Redis ran it and counted 1.
    const failOpen = call(9_000, { decision: 'store_error' });
    expect(wronglyCancelled([failOpen, ...refusedWithCountOneUnreported()])).toEqual({
      value: '0',
      failOpenCounted: 1,
    });
  });

  it('calls a refusal wrong when no admitted call can account for the window count it lacks', () => {
    expect(wronglyCancelled(refusedWithCountOneUnreported())).toEqual({ value: '1', failOpenCounted: 0 });
  });

  it('does not let a fail-open call from long before the window account for one of its counts', () => {
    const longBefore = call(2_000, { decision: 'store_error' });
    expect(wronglyCancelled([longBefore, ...refusedWithCountOneUnreported()]).value).toBe('1');
  });

  it('lets each fail-open call account for one count of one window only', () => {
    // Its command could have run in either window (ending at 10 s and at 11 s), but it counted once.
    const failOpen = call(9_900, { decision: 'store_error' });
    const nextWindow = [
      call(10_100, { decision: 'admitted', count: 2, windowEnd: 11_000 }),
      call(10_200, { decision: 'admitted', count: 3, windowEnd: 11_000 }),
      call(10_300, { decision: 'rejected', windowEnd: 11_000 }),
    ];
    expect(wronglyCancelled([failOpen, ...refusedWithCountOneUnreported(), ...nextWindow]).value).toBe('1');
  });
});

describe('chaos analysis of the token-limit burst', () => {
  const burstSettings = {
    ...settings,
    tokenBurst: { processes: 3, callsPerProcess: 200, tokensPerWindow: 20_000, overrun: 450 },
  };
  function tokenCheck(tokenBurst: Record<string, unknown>[]) {
    const result = analyse({
      settings: burstSettings,
      faults: [],
      workers: [],
      stored: undefined,
      storeError: undefined,
      tokenBurst,
      orchestratorUnhandled: 0,
    });
    return result.checks.find((check) => check.check.startsWith('token limit'));
  }
  const report = (admittedTokens: number, storeErrors = 0) => ({
    admittedTokens,
    largestCall: 599,
    storeErrors,
    exitCode: 0,
  });

  it('passes admitted tokens between the limit minus one call and the limit plus the overrun', () => {
    expect(tokenCheck([report(7_000), report(7_000), report(6_450)])?.pass).toBe(true);
    expect(tokenCheck([report(7_000), report(7_000), report(5_402)])?.pass).toBe(true);
  });

  it('fails tokens above the limit plus the overrun, too few, a store error or a missing report', () => {
    expect(tokenCheck([report(7_000), report(7_000), report(6_451)])?.pass).toBe(false);
    expect(tokenCheck([report(7_000), report(7_000), report(5_401)])?.pass).toBe(false);
    expect(tokenCheck([report(7_000), report(7_000), report(6_000, 1)])?.pass).toBe(false);
    expect(tokenCheck([report(10_000), report(10_000), { exitCode: 1, error: 'no report' }])?.pass).toBe(
      false,
    );
  });
});

describe('chaos analysis of security refusals of plain prompts', () => {
  const plain = (index: number, refused: boolean) => ({
    ...call(index * 1_000, { decision: 'admitted', count: 1, windowEnd: index * 1_000 + 1_000 }),
    text: `prompt ${index}`,
    ...(refused ? { outcome: 'cancelled', reason: 'Security violation: prompt injection', ran: false } : {}),
  });
  function checks(calls: ReturnType<typeof plain>[], refusedOutsideSoak: (text: string) => boolean) {
    const { checks } = analyse({
      settings,
      faults: [],
      workers: [{ worker: 0, report: { calls }, exitCode: 0 }],
      stored: undefined,
      storeError: undefined,
      orchestratorUnhandled: 0,
      refusedOutsideSoak,
    });
    const find = (name: string) => checks.find((check) => check.check.startsWith(name));
    return {
      wrong: find('calls wrongly cancelled'),
      refused: find('plain prompts the security scan refuses'),
    };
  }
  const calls = Array.from({ length: 200 }, (_, index) => plain(index, index === 7));

  it('counts a refusal the scan repeats outside the soak as its verdict, within the false-positive bound', () => {
    const { wrong, refused } = checks(calls, (text) => text === 'prompt 7');
    expect(wrong).toMatchObject({ value: '0', pass: true });
    expect(refused).toMatchObject({ value: '1 of 200 (0.50 %)', pass: true });
  });

  it('calls a refusal the scan does not repeat outside the soak wrong', () => {
    const { wrong, refused } = checks(calls, () => false);
    expect(wrong).toMatchObject({ value: '1', pass: false });
    expect(refused).toMatchObject({ value: '0 of 200 (0.00 %)' });
  });

  it('fails when the scan refuses more plain prompts than its false-positive bound', () => {
    const many = Array.from({ length: 200 }, (_, index) => plain(index, index % 50 === 0));
    const { wrong, refused } = checks(many, () => true);
    expect(wrong).toMatchObject({ value: '0' });
    expect(refused).toMatchObject({ value: '4 of 200 (2.00 %)', pass: false });
  });
});

describe('chaos analysis of the hostile worker', () => {
  const hostileSettings = {
    ...settings,
    cost: { ...settings.cost, inputPer1k: '0.0015', outputPer1k: '0.002' },
    hostile: {
      perUserBudgetUsd: 0.002,
      minHeapCalls: 300,
      maxHeapGrowthBytes: 4_000_000,
      maxEventLoopDelayMs: 1_000,
    },
  };
  // One call of 50 input and 10 output tokens costs 95,000,000 pico-USD; 22 of them are $0.00209.
  const oneCall = [50, 10];
  const budgetUser = (calls: number, storedCalls = calls) => ({
    user: 'mallory:0',
    ran: Array.from({ length: calls }, () => oneCall),
    stored: {
      calls: storedCalls,
      inputTokens: 50 * storedCalls,
      outputTokens: 10 * storedCalls,
      costPicoUsd: String(95_000_000n * BigInt(storedCalls)),
    },
  });
  const hostileReport = (changes: Record<string, unknown> = {}) => ({
    calls: 1_000,
    ranCalls: 22,
    runMs: 20_000,
    outcomes: {},
    durations: {},
    canary: { calls: 10, ok: 10, failed: 0, failures: [] },
    budgets: [budgetUser(22)],
    pendingCostRecords: 0,
    events: {},
    executor: { failures: 0, timeouts: 0, skips: 0, notClosed: [] },
    heap: { callsAtStart: 300, startBytes: 20_000_000, endBytes: 20_500_000, samples: [] },
    eventLoopDelay: { maxMs: 120 },
    prototypePolluted: false,
    ...changes,
  });
  function hostileCheck(name: string, report: Record<string, unknown>) {
    const { checks } = analyse({
      settings: hostileSettings,
      faults: [],
      workers: [{ worker: 0, report: { calls: [], eventLoopDelay: { maxMs: 50 } }, exitCode: 0 }],
      stored: undefined,
      storeError: undefined,
      orchestratorUnhandled: 0,
      hostile: { report, exitCode: 0, hung: false },
    });
    return checks.find((check) => check.check.startsWith(name));
  }

  it('passes a spend past the budget by less than one call, equal to what ran', () => {
    expect(hostileCheck('hostile worker: budget overshoot', hostileReport())).toMatchObject({ pass: true });
  });

  it('fails a spend past the budget by more than one call, or one that differs from what ran', () => {
    const twoOver = hostileReport({ budgets: [budgetUser(23)] });
    expect(hostileCheck('hostile worker: budget overshoot', twoOver)).toMatchObject({ pass: false });
    const lost = hostileReport({ budgets: [budgetUser(22, 21)] });
    expect(hostileCheck('hostile worker: budget overshoot', lost)).toMatchObject({ pass: false });
  });

  it('fails a circuit opened by the hostile worker, a hook failure on its data, or a polluted prototype', () => {
    const opened = hostileReport({ events: { 'hook.circuit_opened': 1 } });
    expect(hostileCheck('circuit breakers opened', opened)).toMatchObject({ pass: false });
    expect(hostileCheck('circuit breakers opened', hostileReport())).toMatchObject({ pass: true });
    const failed = hostileReport({ executor: { failures: 1, timeouts: 0, skips: 0, notClosed: [] } });
    expect(hostileCheck('hostile worker: hook failures', failed)).toMatchObject({ pass: false });
    expect(
      hostileCheck('hostile worker: hook failures', hostileReport({ prototypePolluted: true })),
    ).toMatchObject({ pass: false });
  });

  it('fails a heap that grew past the bound, too few measured calls, or a blocked event loop', () => {
    const grew = hostileReport({
      heap: { callsAtStart: 300, startBytes: 20_000_000, endBytes: 24_100_000, samples: [] },
    });
    expect(hostileCheck('hostile worker: heap growth', grew)).toMatchObject({ pass: false });
    const short = hostileReport({ calls: 500 });
    expect(hostileCheck('hostile worker: heap growth', short)).toMatchObject({ pass: false });
    expect(hostileCheck('hostile worker: heap growth', hostileReport())).toMatchObject({ pass: true });
    const blocked = hostileReport({ eventLoopDelay: { maxMs: 7_200 } });
    expect(hostileCheck('longest event-loop block', blocked)).toMatchObject({ pass: false });
  });

  it('fails a canary call of a plain caller that was refused in the hostile worker', () => {
    const refused = hostileReport({
      canary: {
        calls: 10,
        ok: 9,
        failed: 1,
        failures: [{ text: 'hello', outcome: 'cancelled: Security violation', detail: 'no input text' }],
      },
    });
    expect(hostileCheck('hostile worker: plain calls', refused)).toMatchObject({ pass: false });
  });
});
