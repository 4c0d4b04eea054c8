/**
 * One plan, in two steps so a suite can check every plan before running any:
 *
 *   preparePlan  load → select scenarios → target check → sim block check →
 *                plugins → compile (thrown away). No ports, no requests.
 *   runOnePlan   plugins and compile afresh (new sink, new reporters, the
 *                run's own output files) → spawn the sim when the target is
 *                `sim` → run in this thread or in workers → exit code.
 *
 * Called by run-command.ts once per plan and repetition, sequentially.
 */
import { basename } from 'node:path';
import { loadPlan } from '../engine/plan/load-plan.ts';
import { compilePlan } from '../engine/compile/compile-plan.ts';
import { HdrSink } from '../engine/metrics/hdr-sink.ts';
import { runPlan } from '../engine/run/run-plan.ts';
import { runWithWorkers } from '../engine/run/run-workers.ts';
import { unreachableError } from '../engine/run/reachability.ts';
import { workersToRun } from './worker-cap.ts';
import { PlanError, UsageError, isAgentloadError, type AgentloadError } from '../engine/errors.ts';
import { planDigest, type ShardIdentity } from '../engine/run/shard-record.ts';
import { simConfigError, validateSimConfig } from '../sim/sim-config.ts';
import { spawnSim, type SpawnedSim } from '../sim/spawn-sim.ts';
import { loadRunPlugins, type PluginIo } from './plugin-loader.ts';
import { selectScenarios } from './select-scenarios.ts';
import { IS_COMPILED, siblingModule } from '../engine/module-form.ts';
import type { ReportingArgs, RunArgs } from './run-args.ts';
import { reportOutputs } from '../plugins/report-outputs.ts';
import { defaultIntervalMs } from '../engine/compile/default-interval.ts';
import { expectationCount } from './expectation-count.ts';
import { resourceWarnings } from '../engine/run/resource-warnings.ts';
import { insecureTlsWarning } from '../engine/run/tls-warning.ts';
import { redactUrl } from '../engine/redact.ts';
import type { PlanInput, Reporter, RunResult } from '../engine/contracts.ts';
import type { CompiledPlan } from '../engine/compile/compiled-plan.ts';

const WORKER_ENTRY = siblingModule('./worker-entry.ts', import.meta.url);
// From source a worker thread starts without tsx: worker-boot.mjs registers it, then imports the entry.
const WORKER_BOOT = IS_COMPILED ? WORKER_ENTRY : new URL('./worker-boot.mjs', import.meta.url);

/** A plan that loaded, resolved its plugins and compiled: safe to run. Immutable. */
export interface PreparedPlan {
  /** The plan file as given (or as resolved from a suite). */
  readonly file: string;
  /** The file's name without folder and extension, for tables and output names. */
  readonly label: string;
  readonly plan: PlanInput;
  /** `--env`, else the plan's defaultEnvironment, else null. */
  readonly environment: string | null;
  /** The compiled plan, for sizing (run-estimate.ts); runOnePlan compiles its own, with the run's sink. */
  readonly compiled: CompiledPlan;
  /** What compiled, for `validate`'s line. */
  readonly counts: { readonly phases: number; readonly scenarios: number; readonly expectations: number; readonly reporters: number; readonly plannedDurationMs: number };
}

/** What one run of a plan produced. */
export interface PlanRun {
  /** 0 every expectation held, 1 one failed, 3 aborted. */
  readonly exitCode: number;
  readonly result: RunResult;
  /** Where the reporters wrote (report-outputs.ts), for the end-of-run list. */
  readonly outputs: readonly string[];
}

function checkTarget(plan: PlanInput, target: string): void {
  if (target === 'sim') return;
  let ok = false;
  try {
    ok = /^(https?|wss?):$/.test(new URL(target).protocol);
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new PlanError('AGENTLOAD_E_PLAN_TARGET', `expected an http(s) or ws(s) URL or "sim", got ${JSON.stringify(redactUrl(target))}`, {
      location: plan.locate('config.target'), yamlPath: 'config.target',
    });
  }
}

/** A plan's `config.sim` block, checked before anything starts; its first bad key is named at its line:col. */
function checkSimBlock(plan: PlanInput, file: string): void {
  const sim = plan.config.sim ?? {};
  const { problems } = validateSimConfig(typeof sim === 'object' && sim !== null && !Array.isArray(sim) ? { port: 0, ...sim } : sim);
  if (problems.length === 0) return;
  const inPlan = problems.map((p) => ({ ...p, path: p.path === '(root)' ? 'config.sim' : `config.sim.${p.path}` }));
  throw simConfigError(inPlan, `${file} config.sim`, plan.locate(inPlan[0]!.path) ?? plan.locate('config.sim'));
}

/**
 * Checks `file` as `run` would before its first request, sends nothing.
 * Throws the plan's PlanError/UsageError (exit 2) when it is invalid.
 */
export async function preparePlan(file: string, a: RunArgs, io: PluginIo): Promise<PreparedPlan> {
  const plan = selectScenarios(loadPlan(file, a.overrides), a.scenarios);
  if (plan.config.target !== undefined || a.overrides.isTargetOptional !== true) checkTarget(plan, plan.config.target);
  // spawnSim checks the block too, but only when the plan's turn comes; a suite must fail before its first plan.
  if (plan.config.target === 'sim') checkSimBlock(plan, file);
  const environment = a.overrides.env ?? plan.config.defaultEnvironment ?? null;
  const plugins = await loadRunPlugins(plan, { ...a, isQuiet: true }, { ...io, progress: null });
  const c = compilePlan(plan, { engines: plugins.engines, sink: new HdrSink(), environment, processor: plugins.processor });
  const counts = {
    phases: c.phases.length, scenarios: c.scenarios.length, expectations: expectationCount(c),
    reporters: plugins.reporters.length, plannedDurationMs: c.plannedDurationMs,
  };
  return Object.freeze({ file, label: basename(file).replace(/\.[^.]+$/, ''), plan, environment, compiled: c, counts });
}

/**
 * Prepares every file before any runs, so a suite with one bad plan sends no
 * request at all. Every invalid plan is reported: one bad plan rethrows its
 * own error; several are combined into one PlanError listing all their
 * diagnostics, file by file. Errors that are not exit 2 propagate at once.
 */
export async function preparePlans(files: readonly string[], a: RunArgs, io: PluginIo): Promise<PreparedPlan[]> {
  const runs = files.length * a.repeat;
  if (a.startAtMs !== null && runs > 1) {
    throw new UsageError(`--start-at names one instant, so it applies to one run; this command makes ${runs} (plans × --repeat)`);
  }
  const prepared: PreparedPlan[] = [];
  const failures: AgentloadError[] = [];
  for (const file of files) {
    try {
      prepared.push(await preparePlan(file, a, io));
    } catch (e) {
      if (!isAgentloadError(e) || e.exitCode !== 2) throw e;
      failures.push(e);
    }
  }
  if (failures.length === 1) throw failures[0]!;
  if (failures.length > 1) {
    const all = failures.flatMap((f) => {
      const list = (f as { diagnostics?: AgentloadError[] }).diagnostics;
      return list !== undefined && list.length > 0 ? list : [f];
    });
    const first = failures[0]!;
    throw new PlanError(first.code, first.message, { location: first.location, yamlPath: first.yamlPath, hint: first.hint, diagnostics: all });
  }
  return prepared;
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
      segment: a.shard ?? undefined, startAtMs: a.startAtMs, shard: shardIdentity(p, a, workers.count),
    };
    const result = workers.count > 1
      ? await runWithWorkers(compiled, opts, WORKER_BOOT, {
        planFile: p.file, overrides: { ...a.overrides }, scenarios: a.scenarios, target: compiled.target, entryUrl: WORKER_ENTRY.href,
      }, workers.count)
      : await runPlan(compiled, opts);
    // The reports are written (onEnd ran); a run that never reached its target is an error, not a verdict.
    const unreachable = result.isAborted ? null : unreachableError(result.summary, compiled.target);
    if (unreachable !== null) throw unreachable;
    const exitCode = result.isAborted ? 3 : result.expectations.every((e) => e.isPass) ? 0 : 1;
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
