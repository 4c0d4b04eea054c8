/**
 * The compiled form of a plan: everything parsed, templates compiled,
 * static bodies serialised, metric handles resolved. Produced once by
 * compilePlan (pure); read by the scheduler and the VU runner.
 */
import type { ConfigInput, Engine, Template, ValueTemplate } from '../contracts.ts';
import type { RampSpec } from '../scheduler/arrival-schedule.ts';
import type { VarsInit } from './vu-vars.ts';
import type { StepWhen } from '../plan/artillery/step-condition.ts';
import type { CompiledExpectation } from '../expect/expectation-types.ts';
import type { SeriesExpectations } from '../expect/series-types.ts';
import type { NamedHook, Processor } from '../processor/processor.ts';
import type { CounterCell } from '../metrics/hdr-sink.ts';

/** A phase on the run's timeline. */
export interface CompiledPhase extends RampSpec {
  readonly index: number;
  readonly name: string;
  readonly startMs: number;
  /** 'arrivals': open model; 'users': closed model; 'pause': nothing starts. */
  readonly kind: 'arrivals' | 'users' | 'pause';
  readonly arrivalCount: number | null;
  readonly isPoisson: boolean;
  readonly maxVusers: number;
  readonly users: number;
  readonly spawnRatePerSec: number;
  /** `burst: true` in the plan (recovery is measured after it). */
  readonly isBurst: boolean;
}

/** One step of a flow, after compilation. */
export type CompiledStep =
  /** `slot`: the engine's index in its scenario's `engines`, where the VU keeps that engine's session. */
  /** `captures`: the variables the step captures (`as`); a user whose step leaves one unset ends its scenario as failed (vu.ts). */
  | { readonly kind: 'engine'; readonly engine: Engine; readonly slot: number; readonly data: unknown; readonly captures?: readonly string[] | null }
  | { readonly kind: 'think'; readonly minMs: number; readonly maxMs: number }
  /** `when`: run the steps once when it holds (Artillery's ifTrue / probability, step-condition.ts); absent for a plain loop. */
  | { readonly kind: 'loop'; readonly steps: readonly CompiledStep[]; readonly count: number; readonly over: ValueTemplate | null; readonly when?: StepWhen | null; readonly options?: CompiledLoopOptions | null }
  /** Artillery's `parallel`: each of `steps` runs at once in its own branch of the user (parallel-join.ts), at most `limit` at a time; the step ends when all have. */
  | { readonly kind: 'parallel'; readonly steps: readonly CompiledStep[]; readonly limit: number }
  | { readonly kind: 'log'; readonly template: Template }
  /** A step whose action no engine knows (flow-marks.ts INVALID_STEP): counts into `counters` and ends the user's scenario as failed. */
  | { readonly kind: 'invalid'; readonly counters: readonly CounterCell[] }
  /** A processor function (`function:` step, or a beforeScenario / afterScenario name). */
  | { readonly kind: 'function'; readonly hook: NamedHook; readonly processor: Processor };

/** Artillery's loop options (flow-marks.ts), resolved: absent on a plain loop. */
export interface CompiledLoopOptions {
  /** whileTrue: asked after each iteration whether to go on; count and over no longer end the loop. */
  readonly check: { readonly hook: NamedHook; readonly processor: Processor } | null;
  /** The variable that counts iterations (default `$loopCount`). */
  readonly indexVar: string;
  /** The variable that holds the item (default `$loopElement`). */
  readonly elementVar: string;
}

/** One weighted scenario. */
export interface CompiledScenario {
  readonly name: string;
  readonly weight: number;
  /**
   * The engines its steps use, by slot (a flow may mix http, tool-rpc and ws
   * steps; see scenario-engines.ts). Empty for a flow of think/log steps only.
   */
  readonly engines: readonly Engine[];
  /** Every engine used releases its VUs at closeSession, so the runner may reuse VU objects (Engine.releasesVuOnClose). */
  readonly isVuReusable: boolean;
  readonly before: readonly CompiledStep[];
  readonly flow: readonly CompiledStep[];
  /** afterScenario functions: run once after the user's last iteration, unless its scenario failed or was cut off. */
  readonly after: readonly CompiledStep[];
}

/** The whole compiled plan. Immutable. */
export interface CompiledPlan {
  readonly file: string;
  readonly target: string;
  readonly config: ConfigInput;
  readonly environment: string | null;
  readonly phases: readonly CompiledPhase[];
  readonly scenarios: readonly CompiledScenario[];
  /** Cumulative weights, for the weighted pick. */
  readonly cumulativeWeights: readonly number[];
  /** Every engine any step uses: each is init()ed before the first VU and closed after the last. */
  readonly engines: readonly Engine[];
  readonly variables: Readonly<Record<string, unknown>>;
  /** Per-user starting variables beyond `variables` (payload rows, $uuid, $environment); null when none (compile/vu-vars.ts). */
  readonly initVars?: VarsInit | null;
  readonly intervalMs: number;
  readonly graceMs: number;
  /** `config.seed` / `--seed`; null until the run picks one (runPlan records it in RunInfo). */
  readonly seed: number | null;
  readonly warmupMs: number;
  readonly plannedDurationMs: number;
  readonly expectations: readonly CompiledExpectation[];
  /** Time-series expectations (degradation, recovery, target memory); see src/engine/expect/compile-series.ts. */
  readonly series: SeriesExpectations;
  /** `config.processor` at run time, or null when the plan has none (then nothing of it runs). */
  readonly processor: Processor | null;
  /** The top-level `before` / `after` flows, run once around the phases (run-hook-flows.ts); null when absent. */
  readonly beforeFlow: CompiledScenario | null;
  readonly afterFlow: CompiledScenario | null;
}

/** Picks a scenario by weight; `r` is uniform in [0, 1). */
export function pickScenario(plan: CompiledPlan, r: number): CompiledScenario {
  const w = plan.cumulativeWeights;
  const x = r * w[w.length - 1]!;
  for (let i = 0; i < w.length; i++) if (x < w[i]!) return plan.scenarios[i]!;
  return plan.scenarios[plan.scenarios.length - 1]!;
}
