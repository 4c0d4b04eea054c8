/**
 * Part of the plugin contract (contracts.ts re-exports it): what a run
 * measured, as reporters receive it. Latencies are milliseconds with
 * microsecond resolution (HDR histograms record integer microseconds).
 * Types only; imports nothing.
 */
/** Latency distribution of one name, in milliseconds. */
export interface LatencySummary {
  min: number;
  mean: number;
  p50: number;
  p75: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

/** Counts of one name's outcomes: ok, failed by reason, expected by outcome name. */
export interface OutcomeCounts {
  ok: number;
  failed: Record<string, number>;
  expected: Record<string, number>;
}

/** Everything measured for one request name (or overall, name ''), over a window. */
export interface NameSummary {
  name: string;
  tags: Record<string, string>;
  /** Completed requests (ok + failed + expected). */
  count: number;
  ok: number;
  /** Failed requests (expected outcomes excluded). */
  errors: number;
  /** Requests that ended in an outcome the plan expects (rate_limited, …). */
  expected: number;
  /** errors / count, 0..1 (expected outcomes are not errors). */
  errorRate: number;
  /**
   * Requests cut off by the end of the run (still in flight, or still waiting
   * for a connection, when the grace period ended): not in `count`, not
   * errors, since the target never had the chance to answer. Absent from
   * results written before it existed (read it as `?? 0`).
   */
  abandoned: number;
  rps: number;
  latencyMs: LatencySummary;
  statuses: Record<string, number>;
  outcomes: OutcomeCounts;
  /**
   * A few example messages per failure cause (failure-samples.ts: at most 3 per cause, cut
   * and with credentials masked). Only in a run's summary, and only for names that failed
   * with a message at hand.
   */
  failureSamples?: Record<string, string[]>;
}

/** One interval's numbers (default every 10 s). */
export interface IntervalSnapshot {
  startMs: number;
  endMs: number;
  phase: string | null;
  overall: NameSummary;
  byName: NameSummary[];
  /** Monotonic counters' increase during the interval (arrivals_dropped, …). */
  counters: Record<string, number>;
  /** Gauges sampled at the interval's end (vusers_active, …), plus `<name>_max` peaks. */
  gauges: Record<string, number>;
  /**
   * Encoded HDR latency histograms of the interval, by request name ('' =
   * overall), present only when the plan has time-series expectations
   * (HdrSink.isKeepingIntervalHistograms): they let windows and phases
   * spanning several intervals report exact percentiles.
   */
  histograms?: Record<string, string>;
}

/** The whole run's numbers. */
export interface RunSummary {
  durationMs: number;
  overall: NameSummary;
  byName: NameSummary[];
  counters: Record<string, number>;
  /** Peak of each gauge over the run. */
  gaugePeaks: Record<string, number>;
}

/** One reading of the target's resident memory. */
export interface MemorySample {
  /** Run-clock milliseconds. */
  readonly atMs: number;
  readonly bytes: number;
}

/** What the target-memory sampler produced. */
export interface MemorySeries {
  /** `prometheus <url>` or `pid <n>`, for the report. */
  readonly source: string;
  readonly samples: readonly MemorySample[];
  /** Why the source could not be read (reported once), or null. */
  readonly unavailable: string | null;
}

/** The generator's own cost over the run. */
export interface GeneratorUsage {
  /** CPU time (user + system) / wall time, 1 = one core busy. */
  readonly cpuRatio: number;
  readonly peakRssBytes: number;
}

/** Portable rate-limit table: `"<second>\t<key>"` → counts indexed by RateLimitKind. */
export type EncodedRateLimits = Record<string, number[]>;
