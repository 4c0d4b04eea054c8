/** `agentload validate PLAN.yml`: load, load plugins (as `run` would), compile; no requests, no ports. */
import { loadPlan } from '../engine/plan/load-plan.ts';
import { compilePlan } from '../engine/compile/compile-plan.ts';
import { HdrSink } from '../engine/metrics/hdr-sink.ts';
import { loadRunPlugins } from './plugin-loader.ts';
import { parseRunArgs } from './run-args.ts';
import { selectScenarios } from './select-scenarios.ts';

/** Returns the exit code (0); invalid plans throw PlanError (exit 2). */
export async function validateCommand(args: string[], out: (line: string) => void, err: (line: string) => void = () => {}): Promise<number> {
  const a = parseRunArgs(args, 'validate');
  const plan = selectScenarios(loadPlan(a.planFile, a.overrides), a.scenarios);
  const plugins = await loadRunPlugins(plan, { ...a, isQuiet: true }, { out, err, progress: null });
  const compiled = compilePlan(plan, { engines: plugins.engines, sink: new HdrSink() });
  out(`${a.planFile}: valid — ${compiled.phases.length} phase(s), ${compiled.scenarios.length} scenario(s), ${compiled.expectations.length} expectation(s), ${plugins.reporters.length} reporter(s), ${(compiled.plannedDurationMs / 1000).toFixed(0)}s planned`);
  return 0;
}
