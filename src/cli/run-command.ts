/**
 * `agentload run PLAN.yml`: load, load plugins (engines and reporters, see
 * plugin-loader.ts), compile, start the sim when the target is `sim`, run,
 * map the result to an exit code. SIGINT/SIGTERM abort the run gracefully —
 * results are still written — and a second signal exits at once.
 */
import { loadPlan } from '../engine/plan/load-plan.ts';
import { compilePlan } from '../engine/compile/compile-plan.ts';
import { HdrSink } from '../engine/metrics/hdr-sink.ts';
import { runPlan } from '../engine/run/run-plan.ts';
import { PlanError } from '../engine/errors.ts';
import { loadRunPlugins } from './plugin-loader.ts';
import { parseRunArgs } from './run-args.ts';
import { selectScenarios } from './select-scenarios.ts';
import { spawnSim, type SpawnedSim } from '../sim/spawn-sim.ts';
import { runWithWorkers } from '../engine/run/run-workers.ts';
import type { PlanInput } from '../engine/contracts.ts';

const WORKER_BOOT = new URL('./worker-boot.mjs', import.meta.url);
const WORKER_ENTRY = new URL('./worker-entry.ts', import.meta.url).href;

/** Streams the command writes to. */
export interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly progress: NodeJS.WriteStream | null;
}

function checkTarget(plan: PlanInput, target: string): void {
  if (target === 'sim') return;
  let ok = false;
  try {
    ok = /^https?:$/.test(new URL(target).protocol);
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new PlanError('AGENTLOAD_E_PLAN_TARGET', `expected an http(s) URL or "sim", got ${JSON.stringify(target)}`, {
      location: plan.locate('config.target'), yamlPath: 'config.target',
    });
  }
}

/** Returns the exit code: 0 held, 1 an expectation failed, 3 aborted. */
export async function runCommand(args: string[], io: CliIo): Promise<number> {
  const a = parseRunArgs(args, 'run');
  const plan = selectScenarios(loadPlan(a.planFile, a.overrides), a.scenarios);
  checkTarget(plan, plan.config.target);
  const sink = new HdrSink();
  const environment = a.overrides.env ?? plan.config.defaultEnvironment ?? null;
  const plugins = await loadRunPlugins(plan, a, io);
  let compiled = compilePlan(plan, { engines: plugins.engines, sink, environment });

  const abort = new AbortController();
  let signals = 0;
  const onSignal = (): void => {
    if (++signals > 1) process.exit(3);
    io.err('agentload: interrupted — stopping and writing results (press Ctrl-C again to quit at once)');
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let sim: SpawnedSim | null = null;
  try {
    if (compiled.target === 'sim') {
      sim = await spawnSim({ config: plan.config.sim ?? {}, source: `${a.planFile} config.sim` });
      compiled = { ...compiled, target: sim.url };
      if (!a.isQuiet) io.err(`agentload: started the bundled sim at ${sim.url} (pid ${sim.pid})`);
    }
    const opts = { sink, reporters: plugins.reporters, signal: abort.signal, log: io.err, targetPid: a.targetPid ?? sim?.pid ?? null };
    const result = a.workers > 1
      ? await runWithWorkers(compiled, opts, WORKER_BOOT, {
        planFile: a.planFile, overrides: { ...a.overrides }, scenarios: a.scenarios, target: compiled.target, entryUrl: WORKER_ENTRY,
      }, a.workers)
      : await runPlan(compiled, opts);
    if (result.isAborted) return 3;
    return result.expectations.every((e) => e.isPass) ? 0 : 1;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await sim?.stop();
  }
}
