// Every number of the chaos soak in one place; the orchestrator and the workers read the same object.

export const settings = {
  /** Worker processes, each with its own registry, hooks and Redis connections. */
  workers: 4,
  /** Agent calls per worker. */
  callsPerWorker: 1_000,
  /** Calls a worker keeps in flight at once. */
  lanesPerWorker: 3,
  /** Pause of a lane between two calls, in ms. */
  thinkMs: 45,
  /** The simulated model call takes between these, in ms. */
  operationMinMs: 3,
  operationMaxMs: 15,
  /** Shares of each kind of call (the rest are unique benign prompts). */
  repeatedShare: 0.25,
  injectionShare: 0.15,
  /**
   * The largest share of the plain prompts the security scan may refuse (the same verdict outside the soak): its
   * classifier flags 0.3–1.1 % of benign prompts in the hook-security evaluation on public data.
   */
  maxBenignRefusedShare: 0.01,
  /** Users the calls are spread over; the rate limit is per (component, user) across all workers. */
  users: ['ann', 'bob', 'cem'],
  rateLimit: { requestsPerWindow: 25, windowMs: 1_000, storeTimeoutMs: 250 },
  cache: { commandTimeoutMs: 100, ttlMs: 300_000 },
  cost: { commandTimeoutMs: 250, model: 'chaos-model', inputPer1k: '0.0015', outputPer1k: '0.002' },
  /**
   * Executor settings: the defaults (1 s hook timeout, the default circuit breaker). The cost hook, the rate
   * limiter and the cache declare `slowCallMs` above their own bounded store waits, so a hung Redis does not
   * open their circuits.
   */
  executor: { defaultTimeoutMs: 1_000 },
  /**
   * The token-limit burst, run once Redis is back from the pause while the workers keep calling: `processes` fresh
   * processes fire `callsPerProcess` concurrent calls of known usage each at one key with `tokensPerWindow`; one
   * call uses `overrun` tokens more than it estimated.
   */
  tokenBurst: {
    processes: 3,
    callsPerProcess: 200,
    tokensPerWindow: 20_000,
    windowMs: 60_000,
    overrun: 450,
    storeTimeoutMs: 2_000,
  },
  /**
   * The hostile worker (chaos/hostile-worker.mjs): the same hooks and executor defaults, run beside the workers
   * until they are done and it has made `warmUpCalls + minHeapCalls` calls (at most `maxCallsPerLane` per lane),
   * sending hostile inputs from `lanes` lanes; between
   * them each lane makes a canary call of a plain caller (no user id) at most every `canaryIntervalMs`, which keeps
   * the canaries below the rate limit of the callers without a user id — also in the window where Redis, resumed
   * after the pause, runs the takes of the canaries that timed out meanwhile and were admitted fail-open (at
   * 150 ms those replayed takes and the new calls together filled the window of 25 in one run).
   */
  hostile: {
    lanes: 3,
    thinkMs: 5,
    maxCallsPerLane: 20_000,
    canaryIntervalMs: 400,
    /** Every user of the hostile worker has this budget; its spend in Redis may exceed it by one call at most. */
    perUserBudgetUsd: 0.002,
    /** The estimate its plain calls send as `metadata.maxCostUsd` (above what any of its calls costs). */
    saneEstimateUsd: '0.0005',
    /** Levels of the input that reuses one sub-object at every level (2^40 paths). */
    sharedDepth: 40,
    /** One call in this many of the 100 KB-id probe uses a fresh 100 KB id. */
    freshHugeIdEvery: 20,
    /** The first heap sample (after GC) is taken after this many calls: its EventBus history is full by then. */
    warmUpCalls: 300,
    /** Heap samples (after GC) every this many calls from then on; the event-loop delay leaves out those GCs. */
    heapSampleEvery: 200,
    /** The fewest calls between the first and the last heap sample for the heap check to count. */
    minHeapCalls: 300,
    /** Its EventBus keeps at most this much history (approximate bytes; the default is 16 MiB). */
    eventHistoryBytes: 262_144,
    /**
     * Heap growth (after GC) allowed between the first sample and the end of its run: a few KB per call. One call
     * in 9 carries 100 KB ids; anything keeping them per call would grow the heap by several MB per 100 calls.
     */
    maxHeapGrowthBytes: 4_000_000,
    /**
     * The longest any worker's event loop may be blocked (max delay, perf_hooks.monitorEventLoopDelay). The attacks
     * this guards against blocked it for 4.3 s (a sub-object reused 22 levels deep, before canonicalJson counted
     * nodes) to 21.6 s (`maxCostUsd: '1e999999999'`); this check catches blocks of that kind, it is no latency
     * figure. No hostile input here costs much more than a plain call of its size now: the reused sub-object,
     * 40–60 ms on an idle core while canonicalJson walked its paths up to its 100,000-node limit, is sized over its
     * distinct objects and refused for the cache key in about 0.5 ms. The rest is room for a 2-core machine
     * shared with other jobs (load average 6–17): there the workers, which send nothing hostile, saw up to 0.6 s.
     */
    maxEventLoopDelayMs: 3_000,
  },
  /** Share of all calls done when Redis is killed, and when it is paused (SIGSTOP). */
  killAtProgress: 0.25,
  pauseAtProgress: 0.6,
  /** How long Redis stays killed, and paused. */
  outageMs: 2_000,
  /** Time for scheduling on a loaded 2-core machine, on top of the configured timeouts. */
  schedulingMarginMs: 500,
  /** How long a worker may take to exit after it reported; longer means an open handle. */
  exitGraceMs: 10_000,
  /** How long a worker keeps replaying cost records still pending after its last call. */
  flushWithinMs: 30_000,
  /** `--cluster`: the Redis Cluster the soak starts, and what its faults wait for. */
  cluster: {
    masters: 3,
    replicasPerMaster: 1,
    /** `cluster-node-timeout`: how long a master may be silent before its replica takes over. */
    nodeTimeoutMs: 2_000,
    /** The cost store's `confirmReplicas`: a record counts once the master's replica has it. */
    confirmReplicas: 1,
    /** Cache entries at least this old when their master is killed must still be found after the failover. */
    cacheSettleMs: 500,
    /** How long the killed master's replica is cut off before the kill: the writes it then misses are lost. */
    replicaBehindMs: 500,
    /** The longest a replica may take to take over (or a restarted node to sync) before the soak gives up. */
    healthyWithinMs: 30_000,
  },
};
