/**
 * `--repeat N`: the median and the spread (min–max) of each headline number
 * over a plan's repetitions, as the seed's "run 3+ times" asks. Median, not
 * mean, so one disturbed repetition does not move the figure; the spread
 * shows how far to trust it.
 *
 *   rps of 3 runs: 198.2, 201.0, 187.5 → median 198.2, min 187.5, max 201.0,
 *   spread 13.5 (6.8 % of the median)
 */
import type { Headline, RunRecord } from './run-headline.ts';

/** Median and range of one number over the repetitions. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** A plan's repetitions summarised. Only repetitions that finished (not skipped, not failed to start) count. */
export interface RepeatStats {
  readonly plan: string;
  readonly label: string;
  /** Repetitions that produced numbers. */
  readonly runs: number;
  /** Repetitions whose expectations held (exit 0). */
  readonly passedRuns: number;
  readonly rps: Spread;
  readonly p50Ms: Spread;
  readonly p95Ms: Spread;
  readonly p99Ms: Spread;
  /** 0..1 */
  readonly errorRate: Spread;
}

/** Median of a non-empty list (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

function spread(values: readonly number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** Summarises `records` (one plan's repetitions); null when none produced numbers. Pure. */
export function repeatStats(records: readonly RunRecord[]): RepeatStats | null {
  const done = records.filter((r): r is RunRecord & { headline: Headline } => r.headline !== null);
  if (done.length === 0) return null;
  const of = (k: keyof Headline): Spread => spread(done.map((r) => r.headline[k]));
  return {
    plan: records[0]!.plan, label: records[0]!.label, runs: done.length, passedRuns: done.filter((r) => r.exitCode === 0).length,
    rps: of('rps'), p50Ms: of('p50Ms'), p95Ms: of('p95Ms'), p99Ms: of('p99Ms'), errorRate: of('errorRate'),
  };
}

function relative(s: Spread): string {
  return s.median === 0 ? (s.max === 0 ? '0%' : '-') : `${(((s.max - s.min) / s.median) * 100).toFixed(1)}%`;
}

/** The text block: a header line and one row per headline number (median, min, max, spread as % of the median). */
export function repeatText(stats: RepeatStats, total: number): string[] {
  const rows: Array<[string, Spread, (v: number) => string]> = [
    ['rps', stats.rps, (v) => v.toFixed(1)],
    ['p50 ms', stats.p50Ms, (v) => v.toFixed(2)],
    ['p95 ms', stats.p95Ms, (v) => v.toFixed(2)],
    ['p99 ms', stats.p99Ms, (v) => v.toFixed(2)],
    ['error rate', stats.errorRate, (v) => `${(v * 100).toFixed(2)}%`],
  ];
  const cells = [['metric', 'median', 'min', 'max', 'spread'], ...rows.map(([n, s, f]) => [n, f(s.median), f(s.min), f(s.max), relative(s)])];
  const widths = cells[0]!.map((_, c) => Math.max(...cells.map((r) => r[c]!.length)));
  return [
    `agentload: ${stats.plan} repeated ${total}× — ${stats.passedRuns}/${stats.runs} repetitions held their expectations; median and spread (min–max):`,
    ...cells.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ')),
  ];
}
