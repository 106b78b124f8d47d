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
