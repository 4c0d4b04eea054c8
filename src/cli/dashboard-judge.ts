/**
 * What the live dashboard shows between intervals that only the engine can
 * compute: the plan's threshold expectations judged on the run so far, and
 * the generator's health with the saturation warning. Loaded only with
 * --dashboard. Time-series expectations (degradation, recovery, memory,
 * rate limits) need the whole run and are judged at the end only.
 */
import type { CompiledPlan } from '../engine/compile/compiled-plan.ts';
import type { HdrSink } from '../engine/metrics/hdr-sink.ts';
import type { IntervalSnapshot } from '../engine/contracts.ts';
import { evaluateExpectations } from '../engine/expect/evaluate.ts';
import { seriesContext } from '../engine/expect/evaluate-series.ts';
import { completeSaturation } from '../engine/run/saturation.ts';
import { ARRIVALS_LATE, EVENT_LOOP_BUSY_PCT, EVENT_LOOP_LAG_MS, GENERATOR_CPU_PCT, VUSERS_CREATED } from '../engine/metrics/names.ts';
import type { LiveJudgement } from '../plugins/dashboard/dashboard-reporter.ts';

// As saturation.ts judges a run: more than 1 % of arrivals over 10 ms late.
const LATE_SHARE_LIMIT = 0.01;

/** A judge over `plan()` (read at each call: the sim's URL replaces the target after compile) and the run's sink. */
export function liveJudge(plan: () => CompiledPlan, sink: HdrSink): (intervals: readonly IntervalSnapshot[], elapsedMs: number) => LiveJudgement {
  return (intervals, elapsedMs) => {
    const c = plan();
    const expectations = evaluateExpectations(c.expectations, sink.summary(elapsedMs), seriesContext(c, intervals, null, 0));
    const sum = (k: string): number => intervals.reduce((n, iv) => n + (iv.counters[k] ?? 0), 0);
    const late = sum(ARRIVALS_LATE);
    const created = sum(VUSERS_CREATED);
    const last = intervals.at(-1)?.gauges ?? {};
    const generator = `CPU ${Math.round(last[GENERATOR_CPU_PCT] ?? 0)}% of a core · event loop busy ${Math.round(last[EVENT_LOOP_BUSY_PCT] ?? 0)}% · lag ${Math.round(last[EVENT_LOOP_LAG_MS] ?? 0)} ms · late arrivals ${late}`;
    const base = { isSaturated: false, lateArrivals: late, schedulingDelayP99Us: 0, maxEventLoopLagMs: 0, message: null };
    const busy = completeSaturation(base, intervals, 0).message;
    const behind = created > 0 && late / created > LATE_SHARE_LIMIT
      ? `generator falling behind: ${((late / created) * 100).toFixed(1)}% of arrivals started over 10 ms late — latencies may be understated` : null;
    return { expectations, generator, warning: behind ?? busy };
  };
}
