/**
 * Merges consecutive interval snapshots into one window: counts add up,
 * percentiles come from the merged HDR histograms the snapshots carry
 * (exact), or — when a snapshot has none — from the worst interval's
 * percentile, which is an upper bound and flagged as such.
 */
import { decodeHistogram, latencySummary, newHistogram } from '../metrics/histogram.ts';
import type { IntervalSnapshot, NameSummary } from '../metrics/summary-types.ts';

/** Numbers of one window of intervals, for one name or overall. */
export interface WindowStats {
  readonly startMs: number;
  readonly endMs: number;
  readonly count: number;
  readonly ok: number;
  readonly errors: number;
  readonly rps: number;
  readonly p95Ms: number;
  /** ok / count; 0 when count is 0. */
  readonly successRatio: number;
  /** False when p95 is an upper bound (a snapshot without histograms). */
  readonly isExact: boolean;
}

function pick(i: IntervalSnapshot, name: string | null): NameSummary[] {
  return name === null ? [i.overall] : i.byName.filter((n) => n.name === name);
}

/** Merges `intervals` (in order, non-empty) for `name` (null = overall). */
export function mergeWindow(intervals: readonly IntervalSnapshot[], name: string | null): WindowStats {
  const h = newHistogram();
  let count = 0;
  let ok = 0;
  let errors = 0;
  let worstP95 = 0;
  let isExact = true;
  for (const i of intervals) {
    for (const s of pick(i, name)) {
      count += s.count;
      ok += s.ok;
      errors += s.errors;
      worstP95 = Math.max(worstP95, s.latencyMs.p95);
    }
    const enc = i.histograms?.[name ?? ''];
    if (enc !== undefined) h.add(decodeHistogram(enc));
    else if (pick(i, name).some((s) => s.count > 0)) isExact = false;
  }
  const startMs = intervals[0]?.startMs ?? 0;
  const endMs = intervals[intervals.length - 1]?.endMs ?? startMs;
  const seconds = Math.max(endMs - startMs, 1) / 1000;
  return {
    startMs, endMs, count, ok, errors,
    rps: count / seconds,
    p95Ms: isExact ? latencySummary(h).p95 : worstP95,
    successRatio: count === 0 ? 0 : ok / count,
    isExact,
  };
}

/** Formats a ratio change as a signed percentage: 0.123 → "+12.3%". */
export function signedPercent(ratio: number): string {
  const v = Math.round(ratio * 1000) / 10;
  return `${v >= 0 ? '+' : ''}${v}%`;
}
