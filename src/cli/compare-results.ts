/**
 * Regression detection between two saved results (the seed's "compare with
 * baseline" step). Pure. Requests are matched by name label (name + tags);
 * the overall row is "all requests".
 *
 * `change` is signed so that positive always means worse:
 *   latency (p50…max, mean), errorRate:  (current − baseline) / baseline
 *   rps:                                 (baseline − current) / baseline
 * A change above the metric's limit is a regression. errorRate divides by
 * max(baseline, 0.1 %) — the seed's target error rate — so a baseline of 0
 * errors does not make every single failure an infinite regression. A name
 * with no requests on either side has no latency to compare (skipped).
 */
import { nameLabel } from '../plugins/format.ts';
import type { NameSummary, RunResult } from '../engine/contracts.ts';

/** Metrics `--metrics` accepts. */
export const COMPARE_METRICS = ['p50', 'p75', 'p90', 'p95', 'p99', 'p999', 'max', 'mean', 'rps', 'errorRate'] as const;
/** One of COMPARE_METRICS. */
export type CompareMetric = typeof COMPARE_METRICS[number];
/** `--metrics` default. */
export const DEFAULT_COMPARE_METRICS: readonly CompareMetric[] = ['p95', 'p99', 'rps', 'errorRate'];
/** Denominator floor for errorRate changes. */
export const ERROR_RATE_FLOOR = 0.001;
/** The label of the overall row. */
export const OVERALL = 'all requests';

/** Allowed worsening as a fraction (0.1 = 10 %), per metric with a default. */
export interface RegressionLimits {
  readonly fallback: number;
  readonly byMetric: Partial<Record<CompareMetric, number>>;
}

/** One compared number. */
export interface MetricDelta {
  readonly name: string;
  readonly metric: CompareMetric;
  readonly baseline: number;
  readonly current: number;
  /** Signed fraction, positive = worse (see the module comment). */
  readonly change: number;
  readonly limit: number;
  readonly isRegression: boolean;
}

/** The whole comparison. */
export interface Comparison {
  readonly deltas: readonly MetricDelta[];
  readonly onlyInBaseline: readonly string[];
  readonly onlyInCurrent: readonly string[];
  readonly regressions: number;
}

function value(s: NameSummary, m: CompareMetric): number {
  if (m === 'rps') return s.rps;
  if (m === 'errorRate') return s.errorRate;
  return s.latencyMs[m];
}

/** Signed change of one metric, positive = worse. */
export function changeOf(metric: CompareMetric, baseline: number, current: number): number {
  if (metric === 'rps') return baseline === 0 ? (current === 0 ? 0 : -1) : (baseline - current) / baseline;
  if (metric === 'errorRate') return (current - baseline) / Math.max(baseline, ERROR_RATE_FLOOR);
  if (baseline === 0) return current === 0 ? 0 : Infinity;
  return (current - baseline) / baseline;
}

function byLabel(r: RunResult): Map<string, NameSummary> {
  const m = new Map<string, NameSummary>(r.summary.byName.filter((s) => s.count > 0).map((s) => [nameLabel(s), s]));
  m.set(OVERALL, r.summary.overall);
  return m;
}

/** Compares `current` against `baseline` on `metrics`. */
export function compareResults(baseline: RunResult, current: RunResult, metrics: readonly CompareMetric[], limits: RegressionLimits): Comparison {
  const base = byLabel(baseline);
  const cur = byLabel(current);
  const deltas: MetricDelta[] = [];
  for (const [name, b] of base) {
    const c = cur.get(name);
    if (c === undefined) continue;
    for (const metric of metrics) {
      const isLatency = metric !== 'rps' && metric !== 'errorRate';
      if (isLatency && (b.count === 0 || c.count === 0)) continue;
      const limit = limits.byMetric[metric] ?? limits.fallback;
      const change = changeOf(metric, value(b, metric), value(c, metric));
      deltas.push({ name, metric, baseline: value(b, metric), current: value(c, metric), change, limit, isRegression: change > limit });
    }
  }
  return {
    deltas,
    onlyInBaseline: [...base.keys()].filter((n) => !cur.has(n)),
    onlyInCurrent: [...cur.keys()].filter((n) => !base.has(n)),
    regressions: deltas.filter((d) => d.isRegression).length,
  };
}
