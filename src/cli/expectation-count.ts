/**
 * How many PASS/FAIL lines a plan's expectations make, for `validate`:
 * thresholds plus the time-series checks (degradation p95 and rps, recovery,
 * target memory, rate limits, generator), counted by judging an empty run —
 * every check answers each of its lines even with no data ("no samples"),
 * so the count is the run's and never drifts from evaluate-series.ts.
 */
import type { CompiledPlan } from '../engine/compile/compiled-plan.ts';
import { HdrSink } from '../engine/metrics/hdr-sink.ts';
import { evaluateAll, seriesContext } from '../engine/expect/evaluate-series.ts';

/** See the module comment. Pure apart from a throwaway sink. */
export function expectationCount(plan: CompiledPlan): number {
  return evaluateAll(plan, new HdrSink().summary(0), seriesContext(plan, [], null, 0)).length;
}
