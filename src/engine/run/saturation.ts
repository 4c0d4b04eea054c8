/**
 * Is the generator keeping up? A load tool that falls behind its own
 * schedule under-reports latency unless it says so; this turns the
 * scheduler's lateness and the event-loop lag into a verdict the summary
 * and JSON carry.
 */
import type { SaturationReport } from '../contracts.ts';
import type { Histogram } from '../metrics/histogram.ts';

/** The scheduler's lateness record: one generator's, or several merged. */
export interface LatenessStats {
  readonly schedulingDelay: Histogram;
  readonly lateArrivals: number;
  readonly arrivals: number;
}

/** More than this share of arrivals late → saturated. */
const LATE_SHARE_LIMIT = 0.01;
/** Event-loop stalls longer than this → saturated. */
const LAG_LIMIT_MS = 200;

/** Builds the verdict from the runner's lateness counts and the max event-loop lag. */
export function assessSaturation(runner: LatenessStats, maxEventLoopLagMs: number): SaturationReport {
  const h = runner.schedulingDelay;
  const p99Us = h.totalCount === 0 ? 0 : h.getValueAtPercentile(99);
  const lateShare = runner.arrivals === 0 ? 0 : runner.lateArrivals / runner.arrivals;
  const reasons: string[] = [];
  if (lateShare > LATE_SHARE_LIMIT) reasons.push(`${(lateShare * 100).toFixed(1)}% of arrivals started over 10 ms late`);
  if (maxEventLoopLagMs > LAG_LIMIT_MS) reasons.push(`event loop stalled up to ${Math.round(maxEventLoopLagMs)} ms`);
  const isSaturated = reasons.length > 0;
  return {
    isSaturated,
    lateArrivals: runner.lateArrivals,
    arrivals: runner.arrivals,
    schedulingDelayP99Us: p99Us,
    maxEventLoopLagMs: Math.round(maxEventLoopLagMs * 10) / 10,
    message: isSaturated ? `generator saturated: ${reasons.join('; ')} — latencies above p90 are not trustworthy` : null,
  };
}
