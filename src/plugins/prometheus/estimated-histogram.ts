/**
 * A Prometheus histogram fed from interval summaries instead of single
 * observations. Reporters only see IntervalSnapshots (count, mean, min,
 * p50…p99.9, max per name), so each interval's bucket counts are estimated
 * by linear interpolation of the distribution function through those points:
 *
 *   F(x) │             ___•max (1.0)
 *        │         __•p99
 *        │      _•p95
 *        │   _•p75
 *        │ _•p50
 *        •min (0)───────────── x (ms)
 *
 * `le` buckets are cumulative and monotonic; `_count` is exact (the
 * interval's requests) and `_sum` is count × mean. Quantiles read with
 * histogram_quantile() are therefore approximate; the exact per-interval
 * percentiles are published separately as a gauge.
 *
 * Registered into a prom-client Registry as a custom metric (the registry
 * only needs name, help, type and get()). Not safe across threads; the
 * reporter calls add() from onInterval and the HTTP server reads get().
 */
import type { LatencySummary } from '../../engine/metrics/summary-types.ts';

/** Default upper bounds in seconds: 1 ms … 30 s (gateway p95 50 ms up to modular.solve's seconds). */
export const DEFAULT_BUCKETS_S = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Estimated fraction of samples ≤ xMs given a latency summary. */
export function estimatedCdf(l: LatencySummary, xMs: number): number {
  const points: Array<[number, number]> = [
    [l.min, 0], [l.p50, 0.5], [l.p75, 0.75], [l.p90, 0.9], [l.p95, 0.95], [l.p99, 0.99], [l.p999, 0.999], [l.max, 1],
  ];
  if (xMs >= l.max) return 1;
  if (xMs < l.min) return 0;
  for (let i = 1; i < points.length; i++) {
    const [x1, f1] = points[i]!;
    if (xMs < x1) {
      const [x0, f0] = points[i - 1]!;
      return x1 === x0 ? f0 : f0 + ((f1 - f0) * (xMs - x0)) / (x1 - x0);
    }
  }
  return 1;
}

interface Series {
  labels: Record<string, string>;
  buckets: number[];
  count: number;
  sumS: number;
}

/** See the module comment. */
export class EstimatedHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series = new Map<string, Series>();

  constructor(readonly name: string, readonly help: string, private readonly boundsS: readonly number[] = DEFAULT_BUCKETS_S) {}

  /** Adds one interval of `count` requests with latency summary `l` under `labels`. */
  add(labels: Record<string, string>, count: number, l: LatencySummary): void {
    if (count <= 0) return;
    const key = JSON.stringify(labels);
    let s = this.series.get(key);
    if (s === undefined) {
      s = { labels, buckets: this.boundsS.map(() => 0), count: 0, sumS: 0 };
      this.series.set(key, s);
    }
    for (let i = 0; i < this.boundsS.length; i++) s.buckets[i]! += Math.round(count * estimatedCdf(l, this.boundsS[i]! * 1000));
    s.count += count;
    s.sumS += (count * l.mean) / 1000;
  }

  /** prom-client's collection hook: the metric in its JSON shape. */
  get(): Promise<{ name: string; help: string; type: 'histogram'; aggregator: 'sum'; values: Array<{ metricName: string; labels: Record<string, string | number>; value: number }> }> {
    const values: Array<{ metricName: string; labels: Record<string, string | number>; value: number }> = [];
    for (const s of this.series.values()) {
      this.boundsS.forEach((le, i) => values.push({ metricName: `${this.name}_bucket`, labels: { ...s.labels, le }, value: s.buckets[i]! }));
      values.push({ metricName: `${this.name}_bucket`, labels: { ...s.labels, le: '+Inf' }, value: s.count });
      values.push({ metricName: `${this.name}_sum`, labels: s.labels, value: s.sumS });
      values.push({ metricName: `${this.name}_count`, labels: s.labels, value: s.count });
    }
    return Promise.resolve({ name: this.name, help: this.help, type: 'histogram', aggregator: 'sum', values });
  }

  /** Forgets every series (prom-client calls it on registry.resetMetrics()). */
  reset(): void {
    this.series.clear();
  }
}
