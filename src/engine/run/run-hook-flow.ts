/**
 * Runs a top-level `before` or `after` flow (Artillery 2.x) once, as one
 * virtual user outside the phases, and answers the variables it ended with:
 * `before`'s become every user's starting variables, and `after` starts
 * from them. Its requests are recorded like any others.
 */
import { Vu, type PhaseState, type VuHost } from './vu.ts';
import { streamSeed } from '../scheduler/seeded-random.ts';
import type { CompiledPlan, CompiledScenario } from '../compile/compiled-plan.ts';
import type { VuVars } from '../contracts.ts';
import type { HdrSink } from '../metrics/hdr-sink.ts';
import { DeadlineHeap } from '../deadline-heap.ts';

/** How the flow ended: its variables (string keys only), and whether it ran to its end without a failed processor function. */
export interface HookFlowOutcome {
  readonly vars: VuVars;
  readonly isOk: boolean;
}

/** Keys a user's variables get from the runner, not from the flow: not handed on. */
const RUNNER_KEYS = new Set(['vu', '$loopIndex', '$loopElement']);

/** See the module comment. `id` tells the flow's user apart in logs and seeds its random stream. */
export function runHookFlow(
  scenario: CompiledScenario, variables: Readonly<VuVars>, nowUs: () => number, log: (line: string) => void, seed: number, id: number,
): Promise<HookFlowOutcome> {
  return new Promise((resolve) => {
    const host: VuHost = {
      nowUs,
      onFinish: (vu) => {
        const vars: VuVars = {};
        for (const k of Object.keys(vu.vars)) if (!RUNNER_KEYS.has(k)) vars[k] = vu.vars[k];
        resolve({ vars, isOk: vu.hasFinishedFlow && !vu.isFailed });
      },
      onStepDone: () => {},
      onThinkLateness: () => {},
      log,
    };
    const vu = new Vu(variables, host);
    const phase: PhaseState = { index: -1, isLooping: false, isStopping: false };
    vu.random.reseed(streamSeed(seed, id));
    vu.assign(id, scenario, phase, nowUs());
    vu.start();
  });
}

/**
 * The same, where no LoadDriver has the engines up: the main thread of a
 * `--workers` run, which runs `before` once before starting the workers (and
 * hands its variables to each) and `after` once when they are done. Inits
 * the engines the flow uses, runs it, and closes them again.
 */
export async function runHookFlowAlone(
  plan: CompiledPlan, scenario: CompiledScenario, variables: Readonly<VuVars>, sink: HdrSink, nowUs: () => number, log: (line: string) => void, id: number,
): Promise<HookFlowOutcome> {
  const deadlines = new DeadlineHeap(() => nowUs() / 1000);
  const runCtx = { target: plan.target, config: plan.config, sink, nowUs, deadlines, concurrencyHint: 1 };
  if (plan.processor !== null) plan.processor.target = plan.target;
  for (const e of scenario.engines) await e.init(runCtx);
  try {
    return await runHookFlow(scenario, variables, nowUs, log, plan.seed ?? 0, id);
  } finally {
    for (const e of scenario.engines) await e.close();
    deadlines.clear();
  }
}

/** Variables that can cross to a worker thread (structured clone): a function a hook stored stays behind. */
export function transferableVars(vars: VuVars): VuVars {
  const out: VuVars = {};
  for (const [k, v] of Object.entries(vars)) {
    try {
      out[k] = structuredClone(v);
    } catch {
      // not cloneable (a function, a socket): workers start without it
    }
  }
  return out;
}
