/**
 * One plan, in two steps so a suite can check every plan before running any:
 *
 *   preparePlan  (prepare-plans.ts) load → select scenarios → target check →
 *                sim block check → plugins → compile (thrown away). No ports, no requests.
 *   runOnePlan   plugins and compile afresh (new sink, new reporters, the
 *                run's own output files) → spawn the sim when the target is
 *                `sim` → run in this thread or in workers → exit code.
 *
 * Called by run-command.ts once per plan and repetition, sequentially.
 */
import { compilePlan } from '../engine/compile/compile-plan.ts';
import { HdrSink } from '../engine/metrics/hdr-sink.ts';
import { runPlan } from '../engine/run/run-plan.ts';
import { runWithWorkers } from '../engine/run/run-workers.ts';
import { unreachableError } from '../engine/run/reachability.ts';
import { workersToRun } from './worker-cap.ts';
import { planDigest, type ShardIdentity } from '../engine/run/shard-record.ts';
import { spawnSim, type SpawnedSim } from '../sim/spawn-sim.ts';
import { loadRunPlugins, type PluginIo } from './plugin-loader.ts';
import { IS_COMPILED, siblingModule } from '../engine/module-form.ts';
import type { ReportingArgs, RunArgs } from './run-args.ts';
import { reportOutputs } from '../plugins/report-outputs.ts';
import { defaultIntervalMs } from '../engine/compile/default-interval.ts';
import { resourceWarnings } from '../engine/run/resource-warnings.ts';
import { insecureTlsWarning } from '../engine/run/tls-warning.ts';
import type { Reporter, RunResult } from '../engine/contracts.ts';
import type { CompiledPlan } from '../engine/compile/compiled-plan.ts';
import type { PreparedPlan } from './prepare-plans.ts';
import { isRunHeld } from '../engine/expect/run-held.ts';

const WORKER_ENTRY = siblingModule('./worker-entry.ts', import.meta.url);
// From source a worker thread starts without tsx: worker-boot.mjs registers it, then imports the entry.
const WORKER_BOOT = IS_COMPILED ? WORKER_ENTRY : new URL('./worker-boot.mjs', import.meta.url);

/** What one run of a plan produced. */
export interface PlanRun {
  /** 0 every expectation held, 1 one failed, 3 aborted. */
  readonly exitCode: number;
  readonly result: RunResult;
  /** Where the reporters wrote (report-outputs.ts), for the end-of-run list. */
  readonly outputs: readonly string[];
}

/**
 * Runs a prepared plan once with `reporting` (this run's output files).
 * Throws RunError (exit 3) when it cannot start (sim, reporter init) or when
 * not one request reached the target (AGENTLOAD_E_TARGET_UNREACHABLE, after
 * the reports were written).
 */
export async function runOnePlan(p: PreparedPlan, a: RunArgs, reporting: ReportingArgs, io: PluginIo, signal: AbortSignal): Promise<PlanRun> {
  const sink = new HdrSink();
  // A shard keeps every interval's histograms so `merge` can add intervals exactly, not only the totals.
  if (a.shard !== null) sink.isKeepingIntervalHistograms = true;
  const plugins = await loadRunPlugins(p.plan, reporting, io);
  let compiled = compilePlan(p.plan, { engines: plugins.engines, sink, environment: p.environment, processor: plugins.processor });
  // No config.interval: sample finely enough that a short run still charts (default-interval.ts).
  if (p.plan.config.interval === undefined) compiled = { ...compiled, intervalMs: defaultIntervalMs(compiled.plannedDurationMs) };
  let sim: SpawnedSim | null = null;
  try {
    if (compiled.target === 'sim') {
      sim = await spawnSim({
        config: p.plan.config.sim ?? {}, source: `${p.file} config.sim`,
        onUnexpectedExit: (code, signal) => io.err(`agentload: the bundled sim exited during the run (${signal ?? `code ${code}`}); ` +
          'every request after this fails as econnrefused, so the results from here on measure nothing'),
      });
      compiled = { ...compiled, target: sim.url };
      if (!reporting.isQuiet) io.err(`agentload: started the bundled sim at ${sim.url} (pid ${sim.pid})`);
    }
    const workers = workersToRun(a.workers, a.isOversubscribing);
    if (workers.note !== null && !reporting.isQuiet) io.err(workers.note);
    for (const w of resourceWarnings(compiled)) io.err(w);
    const tlsWarning = insecureTlsWarning(p.plan.config);
    if (tlsWarning !== null) io.err(tlsWarning);
    const reporters = reporting.dashboard == null ? plugins.reporters : [...plugins.reporters, await dashboardFor(reporting.dashboard, p.file, io, () => compiled, sink)];
    const opts = {
      sink, reporters, signal, log: io.err, targetPid: a.targetPid ?? sim?.pid ?? null,
      segment: a.shard ?? undefined, startAtMs: a.startAtMs, shard: shardIdentity(p, a, workers.count), warnings: p.warnings,
    };
    const result = workers.count > 1
      ? await runWithWorkers(compiled, opts, WORKER_BOOT, {
        planFile: p.file, overrides: { ...a.overrides }, scenarios: a.scenarios, target: compiled.target, entryUrl: WORKER_ENTRY.href,
      }, workers.count)
      : await runPlan(compiled, opts);
    // The reports are written (onEnd ran); a run that never reached its target is an error, not a verdict.
    const unreachable = result.isAborted ? null : unreachableError(result.summary, compiled.target);
    if (unreachable !== null) throw unreachable;
    const exitCode = result.isAborted ? 3 : isRunHeld(result.expectations) ? 0 : 1;
    return { exitCode, result, outputs: reportOutputs(plugins.reporters) };
  } finally {
    await sim?.stop();
  }
}

/** The live dashboard (loaded only when asked: start-up time matters). Stop sends SIGINT, which run-command.ts handles as Ctrl-C. */
async function dashboardFor(at: { host: string; port: number }, planFile: string, io: PluginIo, plan: () => CompiledPlan, sink: HdrSink): Promise<Reporter> {
  const { DashboardReporter } = await import('../plugins/dashboard/dashboard-reporter.ts');
  const { verdictLine } = await import('./run-verdict.ts');
  const { liveJudge } = await import('./dashboard-judge.ts');
  return new DashboardReporter({ ...at, planFile, log: io.err, stop: () => process.kill(process.pid, 'SIGINT'), verdict: verdictLine, judge: liveJudge(plan, sink) });
}

/** What the result records about this shard, or null when the run is not sharded. */
function shardIdentity(p: PreparedPlan, a: RunArgs, workers: number): ShardIdentity | null {
  if (a.shard === null) return null;
  return {
    index: a.shard.index + 1, count: a.shard.count, workers, planDigest: planDigest(p.plan),
    startAt: a.startAtMs === null ? null : new Date(a.startAtMs).toISOString(),
  };
}
