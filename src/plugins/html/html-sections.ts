/**
 * The HTML report's detail sections, from a RunResult: per-endpoint charts
 * over time, the latency histogram, the full percentile table, the failures
 * table, and the run metadata (plan, target, seed, version, generator
 * health). Pure; html-model.ts puts them in the view.
 */
import { readFileSync } from 'node:fs';
import type { NameSummary, RunResult } from '../../engine/contracts.ts';
import { decodeHistogram, valuesAtPercentiles } from '../../engine/metrics/histogram.ts';
import { nameLabel } from '../format.ts';
import { PALETTE, type ChartSpec } from './svg-chart.ts';
import { barChart, type Bar } from './svg-bars.ts';

/** Names drawn in the per-endpoint charts: the busiest, so the legend stays readable. */
const MAX_ENDPOINTS = 8;
const HISTOGRAM_BUCKETS = 40;

function ms(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

let versionText: string | null = null;
/** agentload's version, from package.json (one level above src/ and dist/). */
export function agentloadVersion(): string {
  try {
    versionText ??= (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    versionText = 'unknown';
  }
  return versionText;
}

/** Per-endpoint req/s and p95 over time, one series per name (the busiest MAX_ENDPOINTS). */
export function endpointChartSpecs(result: RunResult, base: Pick<ChartSpec, 'xMaxS' | 'phases'>): ChartSpec[] {
  const names = result.summary.byName.filter((s) => s.count > 0).sort((a, b) => b.count - a.count).slice(0, MAX_ENDPOINTS).map(nameLabel);
  if (names.length === 0) return [];
  const pick = (label: string, f: (s: NameSummary) => number) => result.intervals.map((iv) => {
    const s = iv.byName.find((n) => nameLabel(n) === label);
    return [iv.endMs / 1000, s === undefined || s.count === 0 ? 0 : f(s)] as const;
  });
  const series = (f: (s: NameSummary) => number) => names.map((label, i) => ({ label, color: PALETTE[i % PALETTE.length]!, points: pick(label, f) }));
  return [
    { ...base, id: 'chart-endpoint-rps', title: 'Requests per second by name', unit: 'req/s', series: series((s) => s.rps) },
    { ...base, id: 'chart-endpoint-p95', title: 'p95 latency by name', unit: 'ms', series: series((s) => s.latencyMs.p95) },
  ];
}

/**
 * The overall latency distribution as bars over log-spaced buckets: the
 * histogram's values at 1 000 evenly spaced percentiles are binned, so each
 * bar's height is the share of requests in its bucket (to 0.1 %). Null when
 * the result carries no overall histogram or no sample.
 */
export function latencyHistogram(result: RunResult): string | null {
  const encoded = result.histograms?.[''];
  if (encoded === undefined) return null;
  const h = decodeHistogram(encoded);
  if (h.totalCount === 0) return null;
  const ranks = Array.from({ length: 1000 }, (_, i) => (i + 0.5) / 10);
  const valuesMs = valuesAtPercentiles(h, ranks).map((us) => us / 1000);
  const lo = Math.max(Math.min(...valuesMs), 0.01);
  const hi = Math.max(...valuesMs, lo * 1.01);
  const ratio = (hi / lo) ** (1 / HISTOGRAM_BUCKETS);
  const shares = new Array<number>(HISTOGRAM_BUCKETS).fill(0);
  for (const v of valuesMs) shares[Math.min(HISTOGRAM_BUCKETS - 1, Math.max(0, Math.floor(Math.log(Math.max(v, lo) / lo) / Math.log(ratio))))]! += 0.1;
  const bars: Bar[] = shares.map((share, i) => ({ label: ms(lo * ratio ** i), value: share }));
  return barChart('chart-histogram', 'Latency distribution, all requests', '% of requests', bars);
}

/** Columns of the percentile table. */
export const PERCENTILE_COLUMNS = ['Name', 'Requests', 'min', 'mean', 'p50', 'p75', 'p90', 'p95', 'p99', 'p99.9', 'max'];

/** One row per name with samples, then the overall row; latencies in ms. */
export function percentileRows(result: RunResult): Array<{ isTotal: boolean; cells: string[] }> {
  const row = (label: string, s: NameSummary, isTotal: boolean) => {
    const l = s.latencyMs;
    return { isTotal, cells: [label, String(s.count), ...[l.min, l.mean, l.p50, l.p75, l.p90, l.p95, l.p99, l.p999, l.max].map(ms)] };
  };
  return [...result.summary.byName.filter((s) => s.count > 0).map((s) => row(nameLabel(s), s, false)), row('All requests', result.summary.overall, true)];
}

/** One failure cause of one name: how many, its share of the name's requests, and the HTTP statuses seen for the name. */
export interface FailureRow {
  readonly name: string;
  readonly cause: string;
  readonly count: number;
  readonly share: string;
  readonly statuses: string;
  /** Up to three example messages of this cause (failure-samples.ts), masked and cut. */
  readonly samples: readonly string[];
}

/** Every (name, cause) with failures, most frequent first. Expected outcomes are not failures and are left out. */
export function failureRows(result: RunResult): FailureRow[] {
  const rows: FailureRow[] = [];
  for (const s of result.summary.byName) {
    const statuses = Object.entries(s.statuses).map(([code, n]) => `${code} × ${n}`).join(', ');
    for (const [cause, count] of Object.entries(s.outcomes.failed)) {
      if (count > 0) rows.push({ name: nameLabel(s), cause, count, share: `${((count / Math.max(s.count, 1)) * 100).toFixed(2)}%`, statuses, samples: s.failureSamples?.[cause] ?? [] });
    }
  }
  return rows.sort((a, b) => b.count - a.count);
}

/** Generator health in one line: saturation verdict, lateness, event-loop lag, CPU and memory of the generator. */
export function generatorHealth(result: RunResult): string {
  const sat = result.saturation;
  const gen = result.resources?.generator ?? null;
  const parts = [
    sat.isSaturated ? 'SATURATED (numbers may be understated)' : 'kept up with its schedule',
    `late arrivals ${sat.lateArrivals}`,
    `scheduling delay p99 ${ms(sat.schedulingDelayP99Us / 1000)} ms`,
    `max event-loop lag ${ms(sat.maxEventLoopLagMs)} ms`,
    ...(gen === null ? [] : [`CPU ${(gen.cpuRatio * 100).toFixed(0)}% of a core`, `peak RSS ${(gen.peakRssBytes / 1048576).toFixed(0)} MB`]),
  ];
  return parts.join(' · ');
}
