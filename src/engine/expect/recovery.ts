/**
 * `expect.recovery`: for every burst phase, the time from the burst's end
 * until the target is healthy again, measured on 1-second intervals
 * (`config.interval` <= 1s is enforced at compile time).
 *
 *   baseline (before the burst) │ burst │ w0 │ w1 │ w2 │ w3 …
 *                                       ^ burst end
 *   healthy(w) = requests > 0
 *              ∧ success ratio ≥ baseline success − successTolerance
 *              ∧ p95 ≤ max(baseline p95 × (1 + p95Tolerance), baseline p95 + p95SlackMs)
 *   recovery   = start of the first healthy window − burst end
 *
 * Why the window's start: the previous window was not healthy, this one is
 * healthy throughout, so the true moment lies within one interval before
 * it; the figure is an upper bound with the interval as resolution. A burst
 * followed by no healthy window before the next burst (or the end) FAILs
 * as "never". Rate-limited answers are not successes here: recovering means
 * being served again.
 */
import type { ExpectationResult } from '../contracts.ts';
import { measuredIntervals, type PhaseSpan, type RecoverySpec, type SeriesContext } from './series-types.ts';
import { mergeWindow, type WindowStats } from './series-window.ts';

/** One burst's measured recovery, for the report and tests. */
export interface BurstRecovery {
  readonly phase: string;
  readonly burstEndMs: number;
  /** Null when it never recovered. */
  readonly recoveryMs: number | null;
}

function burstsOf(spec: RecoverySpec, phases: readonly PhaseSpan[]): PhaseSpan[] {
  return phases.filter((p) => (spec.phases.length === 0 ? p.isBurst : spec.phases.includes(p.name)));
}

function isHealthy(w: WindowStats, base: WindowStats | null, spec: RecoverySpec): boolean {
  if (w.count === 0) return false;
  const baseSuccess = base === null || base.count === 0 ? 1 : base.successRatio;
  if (w.successRatio < baseSuccess - spec.successTolerance) return false;
  if (base === null || base.count === 0) return true;
  return w.p95Ms <= Math.max(base.p95Ms * (1 + spec.p95Tolerance), base.p95Ms + spec.p95SlackMs);
}

/** Measures each burst's recovery. Pure. */
export function measureRecoveries(spec: RecoverySpec, ctx: SeriesContext): BurstRecovery[] {
  const intervals = measuredIntervals(ctx);
  const bursts = burstsOf(spec, ctx.phases);
  return bursts.map((b, k) => {
    const burstEndMs = b.startMs + b.durationMs;
    const nextBurstMs = bursts[k + 1]?.startMs ?? Infinity;
    const baseIntervals = intervals.filter((i) => i.startMs >= b.startMs - spec.baselineMs - 1 && i.endMs <= b.startMs + 1 &&
      !bursts.some((o) => i.endMs > o.startMs && i.startMs < o.startMs + o.durationMs));
    const base = baseIntervals.length === 0 ? null : mergeWindow(baseIntervals, null);
    const after = intervals.filter((i) => i.startMs >= burstEndMs - 1 && i.startMs < nextBurstMs);
    const healthy = after.find((i) => isHealthy(mergeWindow([i], null), base, spec));
    return { phase: b.name, burstEndMs, recoveryMs: healthy === undefined ? null : Math.max(0, healthy.startMs - burstEndMs) };
  });
}

/** One PASS/FAIL line listing every burst's recovery time. Pure. */
export function checkRecovery(spec: RecoverySpec, ctx: SeriesContext): ExpectationResult {
  const limit = `<= ${spec.maxTimeMs / 1000}s`;
  const all = measureRecoveries(spec, ctx);
  if (all.length === 0) return { name: 'recovery', isPass: false, measured: 'n/a', limit, reason: 'no burst phase ran' };
  const worst = all.reduce((m, r) => (r.recoveryMs === null ? Infinity : Math.max(m, r.recoveryMs)), 0);
  const each = all.map((r) => `${r.phase}@${Math.round(r.burstEndMs / 100) / 10}s: ${r.recoveryMs === null ? 'never' : `${Math.round(r.recoveryMs / 100) / 10}s`}`);
  const isPass = worst <= spec.maxTimeMs;
  const measured = `${worst === Infinity ? 'never' : `${Math.round(worst / 100) / 10}s`} worst (${each.join(', ')})`;
  return isPass ? { name: 'recovery', isPass, measured, limit } : {
    name: 'recovery', isPass, measured, limit,
    reason: worst === Infinity ? 'a burst was followed by no healthy interval before the next burst or the end' : undefined,
  };
}
