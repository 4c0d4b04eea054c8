/**
 * Shapes of the numbers agentload reports. Latencies are milliseconds with
 * microsecond resolution (HDR histograms record integer microseconds).
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
