/**
 * Is the generator keeping up? A load tool that falls behind its own
 * schedule under-reports latency unless it says so; this turns the
 * scheduler's lateness, the event-loop lag and how busy the event loop was
 * into a verdict the summary and JSON carry ("generator saturated from
 * 00:42: …"). Busyness is event-loop utilization rather than CPU time: it is
 * per thread (each worker its own) and a hypervisor stealing the core does
 * not hide it.
 *
 * Both models are judged: open-model arrivals by how late they started,
 * and (either model) the steps after a think by how late they started
 * after the think's planned end — a closed-model run has no arrivals to
 * be late, and a blocked event loop shows in its think timers.
 *
 * Two steps, because the figures arrive at two moments: assessSaturation()
 * when the load is done (lateness and lag, from one generator or merged
 * from workers), completeSaturation() once the intervals are closed (loop
 * busyness per interval, and when it started).
 */
import type { SaturationReport } from '../contracts.ts';
import type { Histogram } from '../metrics/histogram.ts';
import type { IntervalSnapshot } from '../metrics/summary-types.ts';
import { ARRIVALS_LATE, EVENT_LOOP_BUSY_PCT, EVENT_LOOP_LAG_MS, STEPS_STALLED, VUSERS_CREATED } from '../metrics/names.ts';
import { STEP_STALL_MS } from './vu-runner.ts';

/** The scheduler's lateness record: one generator's, or several merged. */
export interface LatenessStats {
  readonly schedulingDelay: Histogram;
  readonly lateArrivals: number;
  readonly arrivals: number;
  /** Steps after a think (VuRunner.onThinkLateness): judged, late, and the worst lateness in ms. */
  readonly steps?: number;
  readonly lateSteps?: number;
  readonly maxStepLateMs?: number;
}

/** More than this share of arrivals late → saturated. */
const LATE_SHARE_LIMIT = 0.01;
/** Event-loop stalls longer than this → saturated. */
const LAG_LIMIT_MS = 200;
/**
 * A step after a think starting over STEP_STALL_MS late → saturated. A stall
 * delays each closed-model user by one step only, so the late share stays
 * small however long the stall: the worst case is judged too (a 139 ms stall
 * went unflagged).
 */
const STEP_STALL_LIMIT_MS = STEP_STALL_MS;
/** An interval whose event loop (the busiest worker's) was busy this share of the time → saturated. */
const BUSY_LIMIT_PCT = 95;
/** The first second is module loading and JIT compilation, not load: not judged. */
const BUSY_JUDGED_FROM_MS = 1000;
/** Shorter intervals (the cut at the warm-up's end, the drain) are too short to judge busyness on. */
const BUSY_MIN_INTERVAL_MS = 500;

/** Saturation that begins this early in a run without a warm-up is usually a cold generator (JIT, first connections). */
const COLD_ONSET_MS = 2000;

function message(reasons: readonly string[], fromMs: number | null, isCold = false): string | null {
  if (reasons.length === 0) return null;
  const from = fromMs === null ? '' : ` from ${clockText(fromMs)}`;
  const hint = isCold ? '; it began while the generator was cold: ramp up (rampTo) or set config.warmup' : '';
  return `generator saturated${from}: ${reasons.join('; ')} — latencies above p90 are not trustworthy${hint}`;
}

/** The verdict from lateness and lag; completeSaturation() adds what the intervals show. */
export function assessSaturation(runner: LatenessStats, maxEventLoopLagMs: number): SaturationReport {
  const h = runner.schedulingDelay;
  const p99Us = h.totalCount === 0 ? 0 : h.getValueAtPercentile(99);
  const lateShare = runner.arrivals === 0 ? 0 : runner.lateArrivals / runner.arrivals;
  const reasons: string[] = [];
  if (lateShare > LATE_SHARE_LIMIT) reasons.push(`${(lateShare * 100).toFixed(1)}% of arrivals started over 10 ms late`);
  const steps = runner.steps ?? 0;
  const lateSteps = runner.lateSteps ?? 0;
  const maxStepLateMs = runner.maxStepLateMs ?? 0;
  if (steps > 0 && (lateSteps / steps > LATE_SHARE_LIMIT || maxStepLateMs > STEP_STALL_LIMIT_MS)) {
    reasons.push(`${lateSteps} of ${steps} steps after a think started over 10 ms after the think's end, up to ${Math.round(maxStepLateMs)} ms (think timers fired late: the event loop was blocked or the CPU busy)`);
  }
  if (maxEventLoopLagMs > LAG_LIMIT_MS) reasons.push(`event loop stalled up to ${Math.round(maxEventLoopLagMs)} ms`);
  return {
    isSaturated: reasons.length > 0,
    lateArrivals: runner.lateArrivals,
    arrivals: runner.arrivals,
    ...(steps === 0 ? {} : { steps, lateSteps, maxStepLateMs: Math.round(maxStepLateMs * 10) / 10 }),
    schedulingDelayP99Us: p99Us,
    maxEventLoopLagMs: Math.round(maxEventLoopLagMs * 10) / 10,
    reasons,
    message: message(reasons, null),
  };
}

/** Long enough, and late enough, for its busyness to mean load. */
function isJudgeable(iv: IntervalSnapshot): boolean {
  return iv.startMs >= BUSY_JUDGED_FROM_MS - 1 && iv.endMs - iv.startMs >= BUSY_MIN_INTERVAL_MS;
}

function isLoopBound(iv: IntervalSnapshot): boolean {
  return isJudgeable(iv) && (iv.gauges[EVENT_LOOP_BUSY_PCT] ?? 0) >= BUSY_LIMIT_PCT;
}

function isBehind(iv: IntervalSnapshot): boolean {
  const created = iv.counters[VUSERS_CREATED] ?? 0;
  return (created > 0 && (iv.counters[ARRIVALS_LATE] ?? 0) / created > LATE_SHARE_LIMIT) || (iv.gauges[EVENT_LOOP_LAG_MS] ?? 0) > LAG_LIMIT_MS
    || (iv.counters[STEPS_STALLED] ?? 0) > 0;
}

/**
 * Adds what the closed intervals show: an event loop busy (nearly) all of
 * some interval after the warm-up, and the start of the first
 * interval showing any sign, as the onset. A run whose late arrivals were
 * spread too thin to mark an interval keeps its verdict without an onset.
 */
export function completeSaturation(report: SaturationReport, intervals: readonly IntervalSnapshot[], warmupMs: number): SaturationReport {
  const measured = intervals.filter((iv) => iv.startMs >= warmupMs - 1);
  const busy = measured.filter(isLoopBound);
  const reasons = [...(report.reasons ?? [])];
  if (busy.length > 0) {
    const peak = Math.max(...busy.map((iv) => iv.gauges[EVENT_LOOP_BUSY_PCT] ?? 0));
    reasons.push(`event loop busy ${Math.round(peak)}% of the time (no CPU headroom) in ${busy.length} of ${measured.filter(isJudgeable).length} intervals`);
  }
  if (reasons.length === 0) return report;
  const signs = measured.filter((iv) => isBehind(iv) || isLoopBound(iv));
  const fromMs = signs.length === 0 ? null : signs[0]!.startMs;
  // Cold only when every sign sits at the start: lateness that starts early and goes on is load.
  const isCold = warmupMs === 0 && signs.length > 0 && signs.every((iv) => iv.startMs < COLD_ONSET_MS - 1);
  return {
    ...report, isSaturated: true, reasons, message: message(reasons, fromMs, isCold),
    ...(fromMs === null ? {} : { saturatedFromMs: fromMs }),
  };
}

/** `mm:ss` on the run clock, as the console's progress shows it. */
function clockText(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}
