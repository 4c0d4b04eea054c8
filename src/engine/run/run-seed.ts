/**
 * The run seed (issue 16, `--seed` / `config.seed`): resolved once, before
 * the load starts, so the main thread and every worker draw from the same
 * seed, and recorded in RunInfo so any run can be replayed with `--seed`.
 */
import { randomSeed, SHARD_DEFAULT_SEED } from '../scheduler/seeded-random.ts';
import type { Segment } from '../scheduler/segment.ts';
import type { CompiledPlan } from '../compile/compiled-plan.ts';

/**
 * The plan with its seed set: the plan's own, else SHARD_DEFAULT_SEED for a
 * shard of several (shards are separate processes that must draw the same
 * arrivals), else a fresh random one.
 */
export function seededPlan(plan: CompiledPlan, segment: Segment | undefined): CompiledPlan & { readonly seed: number } {
  if (plan.seed !== null) return plan as CompiledPlan & { seed: number };
  return { ...plan, seed: segment !== undefined && segment.count > 1 ? SHARD_DEFAULT_SEED : randomSeed() };
}
