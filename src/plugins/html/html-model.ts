/**
 * The HTML report's view model: a RunResult turned into the strings and
 * rows the template prints, plus the charts (inline SVG) and the compact
 * series the page script uses for hover read-outs. Pure.
 */
import type { IntervalSnapshot, NameSummary, RunResult } from '../../engine/contracts.ts';
import { nameLabel } from '../format.ts';
import { CHART_GEOMETRY, PALETTE, lineChart, type ChartSeries, type ChartSpec } from './svg-chart.ts';
import { VUSERS_ACTIVE, WS_CONNECTIONS } from '../../engine/metrics/names.ts';
import { PERCENTILE_COLUMNS, agentloadVersion, endpointChartSpecs, failureRows, generatorHealth, latencyHistogram, percentileRows, type FailureRow } from './html-sections.ts';

/** One row of the per-name table. */
export interface TableRow {
  readonly name: string;
  readonly isTotal: boolean;
  readonly cells: readonly string[];
}

/** Everything the template needs. */
export interface HtmlView {
  readonly title: string;
  readonly verdict: 'PASS' | 'FAIL' | 'ABORTED' | 'NO EXPECTATIONS';
  readonly facts: ReadonlyArray<{ label: string; value: string }>;
  readonly warnings: readonly string[];
  readonly charts: readonly string[];
  /** Per-endpoint rps and p95 over time (empty when nothing was requested). */
  readonly endpointCharts: readonly string[];
  /** The latency histogram (SVG), or null without samples. */
  readonly histogram: string | null;
  readonly percentileColumns: readonly string[];
  readonly percentileRows: ReadonlyArray<{ isTotal: boolean; cells: readonly string[] }>;
  readonly failures: readonly FailureRow[];
  readonly columns: readonly string[];
  readonly rows: readonly TableRow[];
  readonly expectations: ReadonlyArray<{ isPass: boolean; name: string; measured: string; limit: string; reason: string }>;
  /** JSON for the page script, `<` escaped so it cannot close the script element. */
  readonly dataJson: string;
}

const TABLE_COLUMNS = ['Name', 'Requests', 'req/s', 'p50 ms', 'p90 ms', 'p95 ms', 'p99 ms', 'max ms', 'Errors', 'Error %', 'Expected outcomes', 'Failure reasons'];

function ms(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

function countsText(m: Record<string, number>): string {
  return Object.entries(m).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ');
}

function row(name: string, s: NameSummary, isTotal: boolean): TableRow {
  const l = s.latencyMs;
  return {
    name, isTotal,
    cells: [name, String(s.count), s.rps.toFixed(1), ms(l.p50), ms(l.p90), ms(l.p95), ms(l.p99), ms(l.max), String(s.errors),
      `${(s.errorRate * 100).toFixed(2)}%`, countsText(s.outcomes.expected), countsText(s.outcomes.failed)],
  };
}

/** Names of every expected outcome seen in any interval, in first-seen order. */
function expectedNames(intervals: readonly IntervalSnapshot[]): string[] {
  const seen = new Set<string>();
  for (const i of intervals) for (const k of Object.keys(i.overall.outcomes.expected)) seen.add(k);
  return [...seen];
}

function series(label: string, i: number, intervals: readonly IntervalSnapshot[], pick: (s: IntervalSnapshot) => number): ChartSeries {
  return { label, color: PALETTE[i % PALETTE.length]!, points: intervals.map((s) => [s.endMs / 1000, pick(s)] as const) };
}

/** The four charts of the report, as specs. */
export function chartSpecs(result: RunResult): ChartSpec[] {
  const iv = result.intervals;
  const xMaxS = Math.max(result.info.plannedDurationMs, result.summary.durationMs) / 1000;
  const phases = result.info.phases.map((p) => ({ name: p.name, startS: p.startMs / 1000 }));
  const base = { xMaxS, phases };
  const perSec = (s: IntervalSnapshot, n: number): number => n / (Math.max(s.endMs - s.startMs, 1) / 1000);
  const outcomes = expectedNames(iv);
  const hasConns = iv.some((s) => s.gauges[WS_CONNECTIONS] !== undefined);
  return [
    { ...base, id: 'chart-rps', title: 'Requests per second', unit: 'req/s', series: [
      series('all', 0, iv, (s) => s.overall.rps),
      series('errors', 1, iv, (s) => perSec(s, s.overall.errors)),
    ] },
    { ...base, id: 'chart-latency', title: 'Latency percentiles', unit: 'ms', series: [
      series('p50', 0, iv, (s) => s.overall.latencyMs.p50),
      series('p95', 4, iv, (s) => s.overall.latencyMs.p95),
      series('p99', 1, iv, (s) => s.overall.latencyMs.p99),
    ] },
    { ...base, id: 'chart-outcomes', title: 'Errors and expected outcomes per interval', unit: 'count', series: [
      series('errors', 1, iv, (s) => s.overall.errors),
      ...outcomes.map((o, k) => series(o, k + 2, iv, (s) => s.overall.outcomes.expected[o] ?? 0)),
    ] },
    { ...base, id: 'chart-users', title: 'Active users and connections', unit: 'count', series: [
      series('users', 2, iv, (s) => s.gauges[VUSERS_ACTIVE] ?? 0),
      ...(hasConns ? [series('connections', 3, iv, (s) => s.gauges[WS_CONNECTIONS] ?? 0)] : []),
    ] },
  ];
}

function verdictOf(result: RunResult): HtmlView['verdict'] {
  if (result.isAborted) return 'ABORTED';
  if (result.expectations.length === 0) return 'NO EXPECTATIONS';
  return result.expectations.every((e) => e.isPass || e.isOptional === true) ? 'PASS' : 'FAIL';
}

/** Builds the view for a result. */
export function htmlView(result: RunResult): HtmlView {
  const { info, summary } = result;
  const specs = chartSpecs(result);
  const endpointSpecs = endpointChartSpecs(result, { xMaxS: Math.max(info.plannedDurationMs, summary.durationMs) / 1000, phases: info.phases.map((p) => ({ name: p.name, startS: p.startMs / 1000 })) });
  const extra = Object.entries(summary.counters).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(' · ');
  const peaks = Object.entries(summary.gaugePeaks).map(([k, n]) => `${k} ${n}`).join(' · ');
  const facts = [
    { label: 'Plan', value: `${info.planFile} (digest ${info.planDigest})` },
    { label: 'Target', value: info.target },
    { label: 'Environment', value: info.environment ?? '—' },
    { label: 'Seed', value: info.seed === undefined ? '—' : `${info.seed} (--seed ${info.seed} replays its random draws)` },
    { label: 'agentload', value: `version ${agentloadVersion()}` },
    { label: 'Generator', value: generatorHealth(result) },
    { label: 'Started', value: info.startedAt },
    { label: 'Duration', value: `${(summary.durationMs / 1000).toFixed(1)} s (planned ${(info.plannedDurationMs / 1000).toFixed(0)} s)` },
    { label: 'Requests', value: `${summary.overall.count} at ${summary.overall.rps.toFixed(1)}/s, ${summary.overall.errors} errors, ${summary.overall.expected} expected outcomes` },
    ...(extra ? [{ label: 'Counters', value: extra }] : []),
    ...(peaks ? [{ label: 'Peaks', value: peaks }] : []),
  ];
  const data = {
    geometry: CHART_GEOMETRY,
    charts: [...specs, ...endpointSpecs].map((c) => ({ id: c.id, unit: c.unit, labels: c.series.map((s) => s.label), points: c.series.map((s) => s.points) })),
  };
  return {
    title: `agentload report — ${info.planFile}`,
    verdict: verdictOf(result),
    facts,
    warnings: result.saturation.message ? [result.saturation.message] : [],
    charts: specs.map(lineChart),
    endpointCharts: endpointSpecs.map(lineChart),
    histogram: latencyHistogram(result),
    percentileColumns: PERCENTILE_COLUMNS,
    percentileRows: percentileRows(result),
    failures: failureRows(result),
    columns: TABLE_COLUMNS,
    rows: [
      ...summary.byName.filter((s) => s.count > 0).map((s) => row(nameLabel(s), s, false)),
      row('All requests', summary.overall, true),
    ],
    expectations: result.expectations.map((e) => ({ isPass: e.isPass, name: e.name, measured: e.measured, limit: e.limit, reason: e.reason ?? '' })),
    dataJson: JSON.stringify(data).replace(/</g, '\\u003c'),
  };
}
