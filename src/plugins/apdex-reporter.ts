/**
 * `apdex`: Artillery's apdex plugin as a reporter. At the end of the run it
 * prints the Application Performance Index of every response against a
 * threshold T (ms): satisfied (≤ T), tolerated (≤ 4 T), frustrated (> 4 T)
 * and the score (satisfied + tolerated / 2) / total. Read from the overall
 * HDR histogram, so it adds nothing per request. Like Artillery's plugin, it
 * reports and never fails the run; set a latency threshold to gate CI.
 *
 *   config:
 *     plugins:
 *       apdex: { threshold: 100 }     # or Artillery's config.apdex.threshold
 */
import type { PluginContext, PluginOptions, Reporter, RunResult } from '../engine/contracts.ts';
import { decodeHistogram, type Histogram } from '../engine/metrics/histogram.ts';
import { optionalInteger } from './reporter-options.ts';

/** Apdex counts and score; `score` is null when nothing was recorded. */
export interface Apdex {
  readonly thresholdMs: number;
  readonly satisfied: number;
  readonly tolerated: number;
  readonly frustrated: number;
  readonly score: number | null;
}

/**
 * How many recorded values are at most `limitUs`: the largest percentile
 * whose value is within the limit, found by bisection (HDR histograms answer
 * value-at-percentile, not count-below-value), times the total.
 */
function countAtOrBelow(h: Histogram, limitUs: number): number {
  const total = h.totalCount;
  if (total === 0 || h.minNonZeroValue > limitUs) return 0;
  if (h.maxValue <= limitUs) return total;
  let lo = 0;
  let hi = 100;
  for (let i = 0; i < 60 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (h.getValueAtPercentile(mid) <= limitUs) lo = mid;
    else hi = mid;
  }
  return Math.round((lo / 100) * total);
}

/** Apdex of a histogram of latencies in µs. Pure. */
export function apdexOf(h: Histogram, thresholdMs: number): Apdex {
  const total = h.totalCount;
  const satisfied = countAtOrBelow(h, thresholdMs * 1000);
  const tolerated = countAtOrBelow(h, 4 * thresholdMs * 1000) - satisfied;
  return { thresholdMs, satisfied, tolerated, frustrated: total - satisfied - tolerated, score: total === 0 ? null : (satisfied + tolerated / 2) / total };
}

/** The reporter factory (built-in id `apdex`). */
export function createApdexReporter(options: PluginOptions, ctx: PluginContext): Reporter {
  const thresholdMs = optionalInteger(options, 'threshold', 500, 1, 3_600_000);
  return {
    id: 'apdex',
    onEnd(result: RunResult): void {
      const encoded = result.histograms[''];
      if (encoded === undefined) return;
      const a = apdexOf(decodeHistogram(encoded), thresholdMs);
      const score = a.score === null ? 'no samples' : a.score.toFixed(2);
      ctx.out(`apdex (T = ${thresholdMs} ms): ${score} — satisfied ${a.satisfied}, tolerated ${a.tolerated}, frustrated ${a.frustrated}`);
    },
  };
}
