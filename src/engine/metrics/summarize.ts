/**
 * Turns one name's histogram and counters into a NameSummary. Pure.
 */
import { latencySummary, type Histogram } from './histogram.ts';
import type { LatencySummary, NameSummary } from './summary-types.ts';
import { COUNT_NAMES } from './names.ts';

/** Read-only counters of one window. */
export interface CountsView {
  readonly ok: number;
  readonly failed: ReadonlyMap<string, number>;
  readonly expected: ReadonlyMap<string, number>;
  readonly statuses: ReadonlyMap<number, number>;
  /** Requests cut off by the end of the run: outside `count` and the error rate. */
  readonly abandoned: number;
}

function sum(m: ReadonlyMap<unknown, number>): number {
  let n = 0;
  for (const v of m.values()) n += v;
  return n;
}

/**
 * Builds the summary of one window. `count` is ok + failed + expected, so a
 * request that failed before any latency was recorded still counts; abandoned
 * requests (cut off by the run's end) are reported beside it, never in it.
 */
export function buildNameSummary(
  name: string, tags: Record<string, string>, h: Histogram, c: CountsView, seconds: number,
): NameSummary {
  const errors = sum(c.failed);
  const expected = sum(c.expected);
  const count = c.ok + errors + expected;
  return {
    name,
    tags,
    count,
    ok: c.ok,
    errors,
    expected,
    errorRate: count === 0 ? 0 : errors / count,
    abandoned: c.abandoned,
    rps: Math.round((count / seconds) * 100) / 100,
    latencyMs: COUNT_NAMES.has(name) ? countSummary(h) : latencySummary(h),
    statuses: Object.fromEntries([...c.statuses].map(([k, v]) => [String(k), v])),
    outcomes: { ok: c.ok, failed: Object.fromEntries(c.failed), expected: Object.fromEntries(c.expected) },
  };
}

/**
 * The distribution of a histogram that holds counts, not µs (names.ts COUNT_NAMES: tokens per
 * stream): its figures are the counts themselves, exact up to 2047 as HDR records them.
 */
function countSummary(h: Histogram): LatencySummary {
  const l = latencySummary(h);
  const c = (v: number): number => Math.round(v * 1000);
  return { min: c(l.min), mean: Math.round(l.mean * 1000) / 1000, p50: c(l.p50), p75: c(l.p75), p90: c(l.p90), p95: c(l.p95), p99: c(l.p99), p999: c(l.p999), max: c(l.max) };
}
