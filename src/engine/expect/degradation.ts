/**
 * `expect.degradation`: compares the first and the last window of the
 * measured run (after warm-up, before the drain) and FAILs when p95 rose or
 * rps fell by more than the limit.
 *
 *   warm-up │ first window │ …………………………………… │ last window │ drain
 *           ^ warmupMs                              loadEndMs ^
 *
 * A run shorter than two windows FAILs ("too short"): a check that could
 * not look is never a PASS. p95 rises below `minIncreaseMs` are ignored so
 * loopback jitter (0.4 → 0.5 ms is +25 %) does not fail a healthy run.
 */
import type { ExpectationResult } from '../contracts.ts';
import type { IntervalSnapshot } from '../metrics/summary-types.ts';
import { measuredIntervals, type DegradationSpec, type SeriesContext } from './series-types.ts';
import { mergeWindow, signedPercent, type WindowStats } from './series-window.ts';

/** Intervals inside the load (not the drain after the last phase), after warm-up. */
function loadIntervals(ctx: SeriesContext): IntervalSnapshot[] {
  // A few ms of slack: the interval timer and the phase end are separate timers.
  return measuredIntervals(ctx).filter((i) => i.endMs <= ctx.loadEndMs + 50);
}

/** Evaluates one degradation spec; one line per enabled limit. Pure. */
export function checkDegradation(spec: DegradationSpec, ctx: SeriesContext): ExpectationResult[] {
  const label = spec.scope === null ? 'degradation' : `${spec.scope}: degradation`;
  const all = loadIntervals(ctx);
  const first = all.filter((i) => i.startMs < (all[0]?.startMs ?? 0) + spec.windowMs);
  const lastStart = (all[all.length - 1]?.endMs ?? 0) - spec.windowMs;
  const last = all.filter((i) => i.endMs > lastStart && !first.includes(i));
  const lines: Array<[string, string]> = [];
  if (spec.maxP95Increase !== null) lines.push(['p95', `<= +${Math.round(spec.maxP95Increase * 1000) / 10}%`]);
  if (spec.maxRpsDrop !== null) lines.push(['rps', `<= -${Math.round(spec.maxRpsDrop * 1000) / 10}%`]);
  const span = all.length === 0 ? 0 : all[all.length - 1]!.endMs - all[0]!.startMs;
  if (first.length === 0 || last.length === 0 || span < 2 * spec.windowMs * 0.95) {
    const reason = `run too short: ${Math.round(span / 100) / 10}s measured, two ${spec.windowMs / 1000}s windows needed`;
    return lines.map(([m, limit]) => ({ name: `${label} ${m}`, isPass: false, measured: 'n/a', limit, reason }));
  }
  const a = mergeWindow(first, spec.scope);
  const b = mergeWindow(last, spec.scope);
  return lines.map(([m, limit]) => (m === 'p95' ? p95Line(spec, label, limit, a, b) : rpsLine(spec, label, limit, a, b)));
}

function p95Line(spec: DegradationSpec, label: string, limit: string, a: WindowStats, b: WindowStats): ExpectationResult {
  const name = `${label} p95`;
  if (a.count === 0 || b.count === 0) return { name, isPass: false, measured: 'n/a', limit, reason: 'no samples in the first or last window' };
  const rise = a.p95Ms === 0 ? 0 : (b.p95Ms - a.p95Ms) / a.p95Ms;
  const isPass = rise <= spec.maxP95Increase! || b.p95Ms - a.p95Ms < spec.minIncreaseMs;
  const approx = a.isExact && b.isExact ? '' : ' (upper bound)';
  return { name, isPass, measured: `${signedPercent(rise)} (${a.p95Ms}ms → ${b.p95Ms}ms)${approx}`, limit };
}

function rpsLine(spec: DegradationSpec, label: string, limit: string, a: WindowStats, b: WindowStats): ExpectationResult {
  const name = `${label} rps`;
  if (a.count === 0) return { name, isPass: false, measured: 'n/a', limit, reason: 'no samples in the first window' };
  const drop = (a.rps - b.rps) / a.rps;
  const r = (x: number): number => Math.round(x * 10) / 10;
  return { name, isPass: drop <= spec.maxRpsDrop!, measured: `${signedPercent(-drop)} (${r(a.rps)}/s → ${r(b.rps)}/s)`, limit };
}
