/**
 * Locust-compatible CSV rows (locust/stats.py StatsCSV): the same column
 * names, order and units (milliseconds), so scripts and spreadsheets built on
 * `locust --csv` keep working. Pure: RunResult in, rows out.
 *
 * Mapping of our data onto Locust's meaning:
 *   Type            HTTP method when the request name is our default "GET /path",
 *                   else the name's `type` or `method` tag, else "" (Locust: method)
 *   Name            the agentload request name (with `[k=v]` tags), the same key as
 *                   in run.json and `expect.byName`; the total row is "Aggregated"
 *   Failure Count   failed requests; expected outcomes (rate_limited, …) are NOT
 *                   failures, as in our error rate
 *   percentiles     whole-run columns come from the exact HDR histograms; Locust
 *                   truncates to whole ms (int()), and so do we
 *   Average Content Size   "N/A": agentload does not measure body sizes
 * History rows are per interval: Requests/s, Failures/s and the percentiles are
 * the interval's (Locust's "current" values); the interval summary carries
 * p50/p75/p90/p95/p99/p99.9/max, so 66%, 80%, 98% and 99.99% are "N/A" —
 * unless the run kept interval histograms (plans with time-series
 * expectations), then the Aggregated row has every percentile exactly.
 * "Total …" columns are cumulative; the cumulative median needs those
 * histograms too (else "N/A"), and the average is weighted by count.
 */
import { decodeHistogram, newHistogram, type Histogram } from '../../engine/metrics/histogram.ts';
import { keyOf } from '../../engine/metrics/hdr-sink.ts';
import { nameLabel } from '../format.ts';
import type { IntervalSnapshot, NameSummary, RunResult } from '../../engine/contracts.ts';
import { VUSERS_ACTIVE } from '../../engine/metrics/names.ts';

/** Locust's PERCENTILES_TO_REPORT, as fractions and as column names. */
export const LOCUST_PERCENTILES = [0.5, 0.66, 0.75, 0.8, 0.9, 0.95, 0.98, 0.99, 0.999, 0.9999, 1] as const;
const PERCENTILE_COLUMNS = ['50%', '66%', '75%', '80%', '90%', '95%', '98%', '99%', '99.9%', '99.99%', '100%'];

/** `PREFIX_stats.csv` header. */
export const STATS_COLUMNS = [
  'Type', 'Name', 'Request Count', 'Failure Count', 'Median Response Time', 'Average Response Time',
  'Min Response Time', 'Max Response Time', 'Average Content Size', 'Requests/s', 'Failures/s', ...PERCENTILE_COLUMNS,
];

/** `PREFIX_stats_history.csv` header. */
export const HISTORY_COLUMNS = [
  'Timestamp', 'User Count', 'Type', 'Name', 'Requests/s', 'Failures/s', ...PERCENTILE_COLUMNS,
  'Total Request Count', 'Total Failure Count', 'Total Median Response Time', 'Total Average Response Time',
  'Total Min Response Time', 'Total Max Response Time', 'Total Average Content Size',
];

/** `PREFIX_failures.csv` header. */
export const FAILURES_COLUMNS = ['Method', 'Name', 'Error', 'Occurrences'];

/** Locust writes "N/A" where a value does not exist; pandas reads it as NaN. */
export const NA = 'N/A';

type Cell = string | number;
const METHOD = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) /;

/** Locust's Type column for one name (see the module comment). */
export function typeOf(s: Pick<NameSummary, 'name' | 'tags'>): string {
  return METHOD.exec(s.name)?.[1] ?? s.tags.type ?? s.tags.method ?? '';
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** Whole-run percentiles (ms, truncated like Locust's int()) from the encoded histogram, or the summary's. */
function runPercentiles(s: NameSummary, encoded: string | undefined): Cell[] {
  if (s.count === 0) return PERCENTILE_COLUMNS.map(() => NA);
  if (encoded !== undefined) {
    const h = decodeHistogram(encoded);
    if (h.totalCount > 0) return histogramPercentiles(h);
  }
  return intervalPercentiles(s);
}

/** All Locust percentiles (ms, truncated) from a histogram. */
function histogramPercentiles(h: Histogram): Cell[] {
  return LOCUST_PERCENTILES.map((p) => Math.trunc(h.getValueAtPercentile(p * 100) / 1000));
}

/** Percentiles available in a NameSummary; the others are N/A. */
function intervalPercentiles(s: NameSummary): Cell[] {
  if (s.count === 0) return PERCENTILE_COLUMNS.map(() => NA);
  const l = s.latencyMs;
  const known: Record<string, number> = { '50%': l.p50, '75%': l.p75, '90%': l.p90, '95%': l.p95, '99%': l.p99, '99.9%': l.p999, '100%': l.max };
  return PERCENTILE_COLUMNS.map((c) => (known[c] === undefined ? NA : Math.trunc(known[c])));
}

/** Rows of `PREFIX_stats.csv` (header first): one per name with requests, then Aggregated. */
export function statsRows(result: RunResult): Cell[][] {
  const seconds = Math.max(result.summary.durationMs, 1) / 1000;
  const row = (type: string, name: string, s: NameSummary, encoded: string | undefined): Cell[] => [
    type, name, s.count, s.errors, Math.trunc(s.latencyMs.p50), round(s.latencyMs.mean, 3),
    round(s.latencyMs.min, 3), round(s.latencyMs.max, 3), NA, round(s.count / seconds, 6), round(s.errors / seconds, 6),
    ...runPercentiles(s, encoded),
  ];
  const named = [...result.summary.byName]
    .filter((s) => s.count > 0)
    .sort((a, b) => nameLabel(a).localeCompare(nameLabel(b)))
    .map((s) => row(typeOf(s), nameLabel(s), s, result.histograms[keyOf(s.name, s.tags)]));
  return [STATS_COLUMNS, ...named, row('', 'Aggregated', result.summary.overall, result.histograms[''])];
}

/** Running totals for the history's "Total …" columns. */
class Totals {
  /** Cumulative histogram while every interval so far carried one; null once one did not; undefined before any. */
  histogram: Histogram | null | undefined = undefined;
  count = 0;
  errors = 0;
  weightedMean = 0;
  min = Infinity;
  max = 0;
  add(s: NameSummary): void {
    if (s.count === 0) return;
    this.weightedMean += s.latencyMs.mean * s.count;
    this.count += s.count;
    this.errors += s.errors;
    this.min = Math.min(this.min, s.latencyMs.min);
    this.max = Math.max(this.max, s.latencyMs.max);
  }
  cells(): Cell[] {
    const has = this.count > 0;
    const median = this.histogram && this.histogram.totalCount > 0 ? Math.trunc(this.histogram.getValueAtPercentile(50) / 1000) : NA;
    return [this.count, this.errors, median, has ? round(this.weightedMean / this.count, 3) : 0, has ? round(this.min, 3) : 0, round(this.max, 3), NA];
  }
}

/** Python's f"{x:2f}": six decimals. */
function perSec(n: number, snap: IntervalSnapshot): string {
  return (n / (Math.max(snap.endMs - snap.startMs, 1) / 1000)).toFixed(6);
}

/**
 * Rows of `PREFIX_stats_history.csv` (header first): per interval, the
 * Aggregated row, preceded by one row per name when `isFullHistory` (Locust's
 * `--csv-full-history`). `startedAtMs` is the run's wall-clock start.
 */
export function historyRows(intervals: readonly IntervalSnapshot[], startedAtMs: number, isFullHistory: boolean): Cell[][] {
  const rows: Cell[][] = [HISTORY_COLUMNS];
  const overall = new Totals();
  const byName = new Map<string, Totals>();
  for (const snap of intervals) {
    const timestamp = Math.floor((startedAtMs + snap.endMs) / 1000);
    const users = snap.gauges[VUSERS_ACTIVE] ?? 0;
    for (const s of [...snap.byName].sort((a, b) => nameLabel(a).localeCompare(nameLabel(b)))) {
      const label = nameLabel(s);
      const t = byName.get(label) ?? new Totals();
      byName.set(label, t);
      t.add(s);
      if (isFullHistory && t.count > 0) {
        rows.push([timestamp, users, typeOf(s), label, perSec(s.count, snap), perSec(s.errors, snap), ...intervalPercentiles(s), ...t.cells()]);
      }
    }
    overall.add(snap.overall);
    // Optional field (HdrSink.isKeepingIntervalHistograms); read structurally.
    const encoded = (snap as { histograms?: Record<string, string> }).histograms?.[''];
    const h = encoded === undefined ? null : decodeHistogram(encoded);
    if (h === null) overall.histogram = null;
    else if (overall.histogram !== null) (overall.histogram ??= newHistogram()).add(h);
    const o = snap.overall;
    const percentiles = h !== null && h.totalCount > 0 ? histogramPercentiles(h) : intervalPercentiles(o);
    rows.push([timestamp, users, '', 'Aggregated', perSec(o.count, snap), perSec(o.errors, snap), ...percentiles, ...overall.cells()]);
  }
  return rows;
}

/**
 * Rows of `PREFIX_failures.csv` (header first): one per (name, failure reason),
 * plus one `abandoned` row per name with requests cut off by the end of the run.
 * Those are not in the stats' Failure Count (nor in Request Count): this row is
 * the only place the CSV output shows them.
 */
export function failureRows(result: RunResult): Cell[][] {
  const rows: Cell[][] = [];
  for (const s of result.summary.byName) {
    for (const [reason, n] of Object.entries(s.outcomes.failed)) if (n > 0) rows.push([typeOf(s), nameLabel(s), reason, n]);
    if ((s.abandoned ?? 0) > 0) rows.push([typeOf(s), nameLabel(s), 'abandoned', s.abandoned]);
  }
  rows.sort((a, b) => String(a[1]).localeCompare(String(b[1])) || String(a[2]).localeCompare(String(b[2])));
  return [FAILURES_COLUMNS, ...rows];
}
