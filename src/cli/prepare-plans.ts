/**
 * The first step of a plan's run, and all of `validate`: load → select scenarios → target check →
 * sim block check → plugins → compile (thrown away). No ports, no requests. Kept apart from
 * run-one-plan.ts so that `validate` loads none of what running needs (the run loop, workers, the
 * sim's spawner, reporters' outputs): start-up is mostly module loading (issue 17, item 5).
 */
import { basename } from 'node:path';
import { loadPlan } from '../engine/plan/load-plan.ts';
import { formatWarning, type PlanWarning } from '../engine/plan/plan-warnings.ts';
import { compilePlan } from '../engine/compile/compile-plan.ts';
import { HdrSink } from '../engine/metrics/hdr-sink.ts';
import { PlanError, UsageError, isAgentloadError, type AgentloadError } from '../engine/errors.ts';
import { simConfigError, validateSimConfig } from '../sim/sim-config.ts';
import { loadRunPlugins, type PluginIo } from './plugin-loader.ts';
import { selectScenarios } from './select-scenarios.ts';
import type { RunArgs } from './run-args.ts';
import { expectationCount } from './expectation-count.ts';
import { redactUrl } from '../engine/redact.ts';
import type { PlanInput } from '../engine/contracts.ts';
import type { CompiledPlan } from '../engine/compile/compiled-plan.ts';

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
  /** What the plan holds that Artillery ignores (plan-warnings.ts), already printed; in the JSON result as `info.warnings`. */
  readonly warnings: readonly PlanWarning[];
  /** What compiled, for `validate`'s line. */
  readonly counts: { readonly phases: number; readonly scenarios: number; readonly expectations: number; readonly reporters: number; readonly plannedDurationMs: number };
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
  const loaded = loadPlan(file, a.overrides);
  // Said before anything else can fail, so a plan that stops later still shows them.
  for (const w of loaded.warnings) io.err(formatWarning(w));
  const plan = selectScenarios(loaded, a.scenarios);
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
  return Object.freeze({ file, label: basename(file).replace(/\.[^.]+$/, ''), plan, environment, compiled: c, counts, warnings: loaded.warnings });
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
