/**
 * `agentload sweep PLAN`: finds the capacity. Runs the plan's scenarios in
 * stages at rising open-model arrival rates (the plan's phases are replaced
 * by one `duration: --stage, arrivalRate: <rate>` phase per stage) and judges
 * each stage by the plan's own expectations. It stops at the first stage that
 * fails an expectation or saturates the generator, and reports the highest
 * rate that held, with latency and goodput against rate (sweep-report.ts).
 *
 *   agentload sweep configs/streaming.yml --from 5 --to 50 --step 5 --stage 20s --html sweep.html
 *
 * Exit codes: 0 some rate held, 1 none did, 2 bad flags or plan, 3 aborted.
 */
import { writeFileSync } from 'node:fs';
import { loadPlan } from '../engine/plan/load-plan.ts';
import { compilePlan } from '../engine/compile/compile-plan.ts';
import { HdrSink } from '../engine/metrics/hdr-sink.ts';
import { runPlan } from '../engine/run/run-plan.ts';
import { parseDurationMs } from '../engine/duration.ts';
import { STREAM_GOODPUT } from '../engine/metrics/names.ts';
import { RunError, UsageError } from '../engine/errors.ts';
import { spawnSim, type SpawnedSim } from '../sim/spawn-sim.ts';
import { loadRunPlugins } from './plugin-loader.ts';
import { renderSweep, highestHeld, sweepRates, type SweepRow } from './sweep-report.ts';
import { sweepHtml } from './sweep-html.ts';
import type { PlanInput, RunResult } from '../engine/contracts.ts';
import type { PlanOverrides } from '../engine/plan/apply-overrides.ts';
import type { CliIo } from './run-command.ts';
import { failsRun, isRunHeld } from '../engine/expect/run-held.ts';

/** Parsed `sweep` command line. */
interface SweepArgs {
  readonly file: string;
  readonly fromPerSec: number;
  readonly toPerSec: number;
  readonly stepPerSec: number;
  readonly stageMs: number;
  readonly overrides: PlanOverrides;
  readonly outputFile: string | null;
  readonly htmlFile: string | null;
}

const MAX_STAGES = 100;
const QUIET_REPORTING = {
  outputFile: null, csvPrefix: null, htmlFile: null, junitFile: null, prometheus: null,
  reporterSpecs: [], isConsoleOff: true, isQuiet: true,
} as const;

function positive(flag: string, v: string | undefined): number {
  const n = Number(v);
  if (v === undefined || !Number.isFinite(n) || n <= 0) throw new UsageError(`${flag}: expected a positive number, got ${JSON.stringify(v ?? '')}`);
  return n;
}

/** Parses the flags; throws UsageError (exit 2) naming the flag. */
export function parseSweepArgs(args: readonly string[]): SweepArgs {
  let file: string | null = null;
  let from: number | null = null;
  let to: number | null = null;
  let step: number | null = null;
  let stageMs = 30_000;
  let outputFile: string | null = null;
  let htmlFile: string | null = null;
  const overrides: PlanOverrides = {};
  const vars: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = (): string => {
      const v = args[++i];
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === '--from') from = positive(a, next());
    else if (a === '--to') to = positive(a, next());
    else if (a === '--step') step = positive(a, next());
    else if (a === '--stage') {
      const v = next();
      const ms = parseDurationMs(/^\d+(\.\d+)?$/.test(v) ? Number(v) : v);
      if (ms === null || ms <= 0) throw new UsageError(`--stage: expected a duration like "30s", got ${JSON.stringify(v)}`);
      stageMs = ms;
    } else if (a === '--target') overrides.target = next();
    else if (a === '--env' || a === '-e') overrides.env = next();
    else if (a === '--var') {
      const v = next();
      const eq = v.indexOf('=');
      if (eq <= 0) throw new UsageError(`--var: expected name=value, got ${JSON.stringify(v)}`);
      vars[v.slice(0, eq)] = v.slice(eq + 1);
    } else if (a === '--output' || a === '-o') outputFile = next();
    else if (a === '--html') htmlFile = next();
    else if (a.startsWith('-')) throw new UsageError(`unknown sweep flag "${a}"; expected --from, --to, --step, --stage, --target, --env, --var, --output or --html`);
    else if (file === null) file = a;
    else throw new UsageError(`sweep takes one plan, got a second: ${JSON.stringify(a)}`);
  }
  if (file === null) throw new UsageError('sweep needs a plan: agentload sweep PLAN --to RATE');
  if (to === null) throw new UsageError('sweep needs --to, the highest arrival rate to try (per second)');
  const fromPerSec = from ?? Math.max(to / 10, 1);
  if (fromPerSec > to) throw new UsageError(`--from (${fromPerSec}) is above --to (${to})`);
  const stepPerSec = step ?? Math.max((to - fromPerSec) / 9, 1e-3);
  if ((to - fromPerSec) / stepPerSec + 1 > MAX_STAGES) throw new UsageError(`--step ${stepPerSec} makes over ${MAX_STAGES} stages; raise it`);
  if (Object.keys(vars).length > 0) overrides.vars = vars;
  return { file, fromPerSec, toPerSec: to, stepPerSec, stageMs, overrides, outputFile, htmlFile };
}

/**
 * The plan with its phases replaced by one open-model stage at `ratePerSec`, preceded by a warm-up at the
 * same rate (the plan's `config.warmup`, else a fifth of the stage up to 5 s) whose samples are left out:
 * every stage starts a fresh run, and a cold generator's first second would otherwise read as saturation.
 */
function stagePlan(plan: PlanInput, ratePerSec: number, stageMs: number): PlanInput {
  const given = plan.config.warmup === undefined ? null : parseDurationMs(plan.config.warmup as string | number);
  const warmupMs = given ?? Math.min(Math.round(stageMs / 5), 5_000);
  const phases = [{ name: `sweep ${ratePerSec}/s`, duration: `${stageMs + warmupMs}ms`, arrivalRate: ratePerSec }];
  return { ...plan, config: { ...plan.config, phases, warmup: `${warmupMs}ms` } };
}

function rowOf(ratePerSec: number, r: RunResult): SweepRow {
  const o = r.summary.overall;
  const seconds = Math.max(r.summary.durationMs, 1) / 1000;
  const goodput = r.summary.byName.filter((n) => n.name === STREAM_GOODPUT);
  return {
    ratePerSec, achievedPerSec: o.count / seconds, p50Ms: o.latencyMs.p50, p95Ms: o.latencyMs.p95, p99Ms: o.latencyMs.p99,
    errorRate: o.errorRate,
    goodputPerSec: goodput.length === 0 ? null : goodput.reduce((n, x) => n + x.count, 0) / seconds,
    isHeld: isRunHeld(r.expectations),
    isSaturated: r.saturation.isSaturated,
    failed: r.expectations.filter(failsRun).map((e) => e.name),
  };
}

/** `agentload sweep --help`. */
export const SWEEP_USAGE = `agentload sweep PLAN.yml --to RATE [--from RATE] [--step RATE] [--stage 30s] [--output sweep.json]
                 [--html sweep.html] [--target URL] [--env NAME] [--var k=v]

Runs the plan's scenarios at rising arrival rates (per second), each stage judged by the plan's
config.expect, until an expectation fails or the generator saturates; prints the highest rate that
held, with latency and goodput against rate. Exit 0 when a rate held, 1 when none did. See docs/sweep.md.`;

/** See the module comment. */
export async function sweepCommand(args: string[], io: CliIo): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.out(SWEEP_USAGE);
    return 0;
  }
  const a = parseSweepArgs(args);
  const plan = loadPlan(a.file, a.overrides);
  if (plan.config.expect === undefined || Object.keys(plan.config.expect).length === 0) {
    throw new UsageError(`${a.file} has no config.expect: a sweep needs the SLOs it raises the rate against`);
  }
  const environment = a.overrides.env ?? plan.config.defaultEnvironment ?? null;
  const pluginIo = { out: io.out, err: io.err, progress: null };
  const abort = new AbortController();
  const onInterrupt = (): void => abort.abort();
  process.once('SIGINT', onInterrupt);
  let sim: SpawnedSim | null = null;
  const rows: SweepRow[] = [];
  const rates = sweepRates(a.fromPerSec, a.toPerSec, a.stepPerSec);
  try {
    if (plan.config.target === 'sim') {
      sim = await spawnSim({ config: plan.config.sim ?? {}, source: `${a.file} config.sim` });
      io.err(`agentload: started the bundled sim at ${sim.url} (pid ${sim.pid})`);
    }
    for (const rate of rates) {
      const staged = stagePlan(plan, rate, a.stageMs);
      const plugins = await loadRunPlugins(staged, QUIET_REPORTING, pluginIo);
      const sink = new HdrSink();
      let compiled = compilePlan(staged, { engines: plugins.engines, sink, environment, processor: plugins.processor });
      if (sim !== null) compiled = { ...compiled, target: sim.url };
      io.err(`agentload sweep: ${rate}/s for ${a.stageMs / 1000}s …`);
      const result = await runPlan(compiled, { sink, reporters: [], signal: abort.signal, log: () => {} });
      if (result.isAborted) throw new RunError('AGENTLOAD_E_ABORTED', `sweep interrupted at ${rate}/s`);
      const row = rowOf(rate, result);
      rows.push(row);
      if (row.isSaturated && result.saturation.message !== null) io.err(`agentload sweep: ${result.saturation.message}`);
      if (!row.isHeld || row.isSaturated) break;
    }
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    await sim?.stop();
  }
  for (const line of renderSweep(rows, rates[rates.length - 1]!)) io.out(line);
  if (a.outputFile !== null) {
    writeFileSync(a.outputFile, `${JSON.stringify({ plan: a.file, stageMs: a.stageMs, highestHeldPerSec: highestHeld(rows), stages: rows }, null, 2)}\n`);
  }
  if (a.htmlFile !== null) writeFileSync(a.htmlFile, sweepHtml(a.file, rows));
  return highestHeld(rows) === null ? 1 : 0;
}
