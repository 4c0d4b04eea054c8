/**
 * Turns one name's histogram and counters into a NameSummary. Pure.
 */
import { latencySummary, type Histogram } from './histogram.ts';
import type { NameSummary } from './summary-types.ts';

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
    latencyMs: latencySummary(h),
    statuses: Object.fromEntries([...c.statuses].map(([k, v]) => [String(k), v])),
    outcomes: { ok: c.ok, failed: Object.fromEntries(c.failed), expected: Object.fromEntries(c.expected) },
  };
}
