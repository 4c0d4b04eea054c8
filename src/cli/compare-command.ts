/**
 * `agentload compare baseline.json current.json [--max-regression 10%]
 * [--metrics p95,p99,rps,errorRate]`: prints a per-name table of deltas and
 * exits 1 when any chosen metric regressed beyond its limit, 0 otherwise,
 * 2 on bad flags or unreadable/foreign input (AGENTLOAD_E_REPORT_INPUT).
 * `--max-regression` takes one limit, per-metric limits, or both:
 * `10%`, `p95=5%,rps=20%`, `10%,errorRate=50%`; a bare number is a
 * percentage too (`5` is 5 %).
 */
import { parseFlags, type FlagTable } from './parse-flags.ts';
import { UsageError } from '../engine/errors.ts';
import { COMPARE_METRICS, DEFAULT_COMPARE_METRICS, compareResults, type CompareMetric, type Comparison, type RegressionLimits } from './compare-results.ts';
import { readResult } from './read-result.ts';

// A limit is a percentage with or without the sign: `5` is 5 %, never 500 %.
function fraction(text: string, flag: string): number {
  const s = text.trim();
  const n = Number(s.endsWith('%') ? s.slice(0, -1) : s);
  if (s === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`${flag} expects a percentage like 10% or 5, got "${text}"`);
  return n / 100;
}

function metricName(m: string, flag: string): CompareMetric {
  if (!(COMPARE_METRICS as readonly string[]).includes(m)) throw new UsageError(`${flag}: unknown metric "${m}"; expected ${COMPARE_METRICS.join(', ')}`);
  return m as CompareMetric;
}

/** Parses `--max-regression` (see the module comment). */
export function parseLimits(spec: string): RegressionLimits {
  let fallback = 0.1;
  const byMetric: Partial<Record<CompareMetric, number>> = {};
  for (const part of spec.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) fallback = fraction(part, '--max-regression');
    else byMetric[metricName(part.slice(0, eq).trim(), '--max-regression')] = fraction(part.slice(eq + 1), '--max-regression');
  }
  return { fallback, byMetric };
}

function show(metric: CompareMetric, v: number): string {
  if (metric === 'errorRate') return `${(v * 100).toFixed(3)}%`;
  if (metric === 'rps') return v.toFixed(1);
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(2)}ms`;
}

const WORSE = { latency: 'slower', rps: 'fewer req/s', errorRate: 'more errors' } as const;
const BETTER = { latency: 'faster', rps: 'more req/s', errorRate: 'fewer errors' } as const;

/**
 * A change in words, so the sign needs no legend: "slower by 12.0%",
 * "more req/s by 3.1%", "unchanged", "was 0, now 4.20ms".
 */
export function changeWords(metric: CompareMetric, change: number, baseline: number, current: number): string {
  const kind = metric === 'rps' ? 'rps' : metric === 'errorRate' ? 'errorRate' : 'latency';
  if (!Number.isFinite(change)) return `was 0, now ${show(metric, current)}`;
  if (Math.abs(change) < 0.0005 || baseline === current) return 'unchanged';
  // rps's change is (baseline − current) / baseline, so "more req/s" reads its magnitude the same way.
  return `${change > 0 ? WORSE[kind] : BETTER[kind]} by ${(Math.abs(change) * 100).toFixed(1)}%`;
}

/** The table printed by compare. */
export function comparisonLines(c: Comparison): string[] {
  const rows = [['name', 'metric', 'baseline', 'current', 'change', 'limit', 'verdict']];
  for (const d of c.deltas) {
    const change = changeWords(d.metric, d.change, d.baseline, d.current);
    rows.push([d.name, d.metric, show(d.metric, d.baseline), show(d.metric, d.current), change, `${(d.limit * 100).toFixed(0)}%`, d.isRegression ? 'REGRESSION' : 'ok']);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) => r.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd());
  if (c.onlyInBaseline.length) lines.push(`only in baseline: ${c.onlyInBaseline.join(', ')}`);
  if (c.onlyInCurrent.length) lines.push(`only in current: ${c.onlyInCurrent.join(', ')}`);
  lines.push(c.regressions === 0 ? 'compare: no regression beyond the limits' : `compare: ${c.regressions} regression(s) beyond the limits`);
  return lines;
}

/** `compare`'s flags (parse-flags.ts). */
export const COMPARE_FLAGS = {
  'max-regression': { type: 'string', arg: 'L', help: 'allowed worsening: 10% (default; a bare 5 is 5%), or per metric p95=5%,rps=20%' },
  metrics: { type: 'string', arg: 'LIST', help: `which metrics: ${COMPARE_METRICS.join(' ')} (default ${DEFAULT_COMPARE_METRICS.join(',')})` },
} as const satisfies FlagTable;

/** Returns the exit code; see the module comment. */
export function compareCommand(args: string[], out: (line: string) => void): number {
  const { values, positionals } = parseFlags(args, COMPARE_FLAGS, 'compare');
  if (positionals.length !== 2) throw new UsageError(`agentload compare expects baseline.json and current.json, got ${positionals.length} file(s)`);
  const limits = parseLimits(values['max-regression'] ?? '10%');
  const metrics = values.metrics === undefined ? DEFAULT_COMPARE_METRICS
    : values.metrics.split(',').map((m) => metricName(m.trim(), '--metrics'));
  const baseline = readResult(positionals[0]!);
  const current = readResult(positionals[1]!);
  const comparison = compareResults(baseline, current, metrics, limits);
  out(comparisonLines(comparison).join('\n'));
  return comparison.regressions > 0 ? 1 : 0;
}
