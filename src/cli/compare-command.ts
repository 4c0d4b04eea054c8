/**
 * `agentload compare baseline.json current.json [--max-regression 10%]
 * [--metrics p95,p99,rps,errorRate]`: prints a per-name table of deltas and
 * exits 1 when any chosen metric regressed beyond its limit, 0 otherwise,
 * 2 on bad flags or unreadable/foreign input (AGENTLOAD_E_REPORT_INPUT).
 * `--max-regression` takes one limit, per-metric limits, or both:
 * `10%`, `p95=5%,rps=20%`, `10%,errorRate=50%`.
 */
import { parseArgs } from 'node:util';
import { UsageError } from '../engine/errors.ts';
import { COMPARE_METRICS, DEFAULT_COMPARE_METRICS, compareResults, type CompareMetric, type Comparison, type RegressionLimits } from './compare-results.ts';
import { readResult } from './read-result.ts';

function fraction(text: string, flag: string): number {
  const s = text.trim();
  const n = Number(s.endsWith('%') ? s.slice(0, -1) : s);
  if (s === '' || !Number.isFinite(n) || n < 0) throw new UsageError(`${flag} expects a percentage like 10% (or a fraction like 0.1), got "${text}"`);
  return s.endsWith('%') ? n / 100 : n;
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

/** The table printed by compare. */
export function comparisonLines(c: Comparison): string[] {
  const rows = [['name', 'metric', 'baseline', 'current', 'change', 'limit', 'verdict']];
  for (const d of c.deltas) {
    const change = Number.isFinite(d.change) ? `${d.change >= 0 ? '+' : ''}${(d.change * 100).toFixed(1)}%` : 'new';
    rows.push([d.name, d.metric, show(d.metric, d.baseline), show(d.metric, d.current), change, `${(d.limit * 100).toFixed(0)}%`, d.isRegression ? 'REGRESSION' : 'ok']);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const lines = rows.map((r) => r.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd());
  if (c.onlyInBaseline.length) lines.push(`only in baseline: ${c.onlyInBaseline.join(', ')}`);
  if (c.onlyInCurrent.length) lines.push(`only in current: ${c.onlyInCurrent.join(', ')}`);
  lines.push(c.regressions === 0 ? 'compare: no regression beyond the limits' : `compare: ${c.regressions} regression(s) beyond the limits`);
  return lines;
}

/** Returns the exit code; see the module comment. */
export async function compareCommand(args: string[], out: (line: string) => void): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { 'max-regression': { type: 'string' }, metrics: { type: 'string' } } });
  } catch (e) {
    throw new UsageError((e as Error).message.split('\n')[0]!.replace(/\.$/, '').replace(/^Unknown option/, 'unknown option'));
  }
  const { values, positionals } = parsed;
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
