/**
 * What a `--shard i/N` run writes about itself into its result, so
 * `agentload merge` can check that the files it gets are every shard of one
 * run and re-evaluate the plan's expectations on the merged numbers without
 * the plan file: the compiled expectations are plain data, recorded as is.
 */
import { createHash } from 'node:crypto';
import { seriesContext } from '../expect/evaluate-series.ts';
import type { CompiledPlan } from '../compile/compiled-plan.ts';
import type { CompiledExpectation } from '../expect/expectation-types.ts';
import type { PhaseSpan, SeriesExpectations } from '../expect/series-types.ts';
import type { PlanInput, RunResult } from '../contracts.ts';

/** Who the shard is; known before the run. `index` is 1-based, as written in `--shard i/N`. */
export interface ShardIdentity {
  readonly index: number;
  readonly count: number;
  /** `--workers` of this shard (for the record: a shard's slice does not depend on it, segment.ts). */
  readonly workers: number;
  /** planDigest() of the plan as run (after --env, --var, --users … and --scenario). */
  readonly planDigest: string;
  /** `--start-at` as ISO 8601, or null when the shard started at once. */
  readonly startAt: string | null;
}

/** The plan's expectations and the timeline they are read on. */
export interface ExpectationSpec {
  readonly thresholds: readonly CompiledExpectation[];
  readonly series: SeriesExpectations;
  readonly phases: readonly PhaseSpan[];
  readonly loadEndMs: number;
  /** The warm-up this shard actually cut (0 when none). */
  readonly warmupMs: number;
}

/** The `shard` field of a sharded run's result. */
export interface ShardRecord extends ShardIdentity {
  readonly expect: ExpectationSpec;
}

/** A run result that may carry a shard record (the JSON reporter writes every field). */
export type ShardedRunResult = RunResult & { readonly shard?: ShardRecord };

/**
 * A digest of everything that decides the load: config (target, phases,
 * expectations, variables) and scenarios, after overrides. Two shards with
 * the same digest ran the same plan; `locate` and the file name are left out
 * so the plan may sit at different paths on different machines.
 */
export function planDigest(plan: PlanInput): string {
  return createHash('sha256').update(JSON.stringify({ config: plan.config, scenarios: plan.scenarios })).digest('hex').slice(0, 16);
}

/** Builds the record at the end of a sharded run (finishRun). */
export function shardRecord(id: ShardIdentity, plan: CompiledPlan, warmupMs: number): ShardRecord {
  const ctx = seriesContext(plan, [], null, warmupMs);
  return {
    ...id,
    expect: { thresholds: plan.expectations, series: plan.series, phases: ctx.phases, loadEndMs: ctx.loadEndMs, warmupMs },
  };
}
