/**
 * Evaluates every expectation of a plan — the summary thresholds (whole run
 * or phase-scoped) and the time-series checks — over a finished run. Pure:
 * the intervals, the phase timeline and the memory samples are inputs.
 * Called by finishRun (src/engine/run/run-plan.ts) for both the
 * single-process and the worker paths.
 */
import type { ExpectationResult, RunSummary, SaturationReport } from '../contracts.ts';
import type { CompiledPlan } from '../compile/compiled-plan.ts';
import type { IntervalSnapshot } from '../metrics/summary-types.ts';
import { checkDegradation } from './degradation.ts';
import { evaluateExpectations } from './evaluate.ts';
import { checkTargetMemory } from './memory-growth.ts';
import { checkRecovery } from './recovery.ts';
import { checkRateLimit } from './rate-limit-check.ts';
import { checkGenerator } from './generator-check.ts';
import type { EncodedRateLimits } from '../metrics/rate-limit-recorder.ts';
import type { MemorySeries, SeriesContext } from './series-types.ts';

/** The series context of a run: its intervals on the plan's phase timeline. */
export function seriesContext(
  plan: CompiledPlan, intervals: readonly IntervalSnapshot[], targetMemory: MemorySeries | null, warmupMs: number, rateLimits: EncodedRateLimits | null = null,
  saturation: SaturationReport | null = null,
): SeriesContext {
  return {
    intervals,
    phases: plan.phases.map((p) => ({ name: p.name, startMs: p.startMs, durationMs: p.durationMs, isBurst: p.isBurst })),
    warmupMs,
    loadEndMs: plan.plannedDurationMs,
    targetMemory,
    rateLimits,
    saturation,
  };
}

/**
 * Thresholds in plan order, then degradation, recovery, target memory, rate limit and generator.
 * Reads only the plan's expectations, so `agentload merge` can pass the ones a shard recorded.
 */
export function evaluateAll(plan: Pick<CompiledPlan, 'expectations' | 'series'>, summary: RunSummary, ctx: SeriesContext): ExpectationResult[] {
  const out = evaluateExpectations(plan.expectations, summary, ctx);
  const s = plan.series;
  if (s.degradation !== null) out.push(...checkDegradation(s.degradation, ctx));
  if (s.recovery !== null) out.push(checkRecovery(s.recovery, ctx));
  if (s.targetMemory !== null) out.push(checkTargetMemory(s.targetMemory, ctx.targetMemory, ctx.warmupMs));
  if (s.rateLimit !== null) out.push(...checkRateLimit(s.rateLimit, ctx.rateLimits ?? null, ctx));
  if (s.generator != null) out.push(...checkGenerator(s.generator, ctx.saturation));
  return out;
}
