/**
 * Runs a compiled plan: engines up, reporters told, scheduler driven,
 * interval snapshots taken, grace period for in-flight work, then the
 * summary, expectations and saturation verdict. An abort (signal) takes the
 * same finishing path, so an interrupted run still reports what it measured.
 */
import { createHash } from 'node:crypto';
import { MonotonicClock } from '../scheduler/clock.ts';
import { LoadDriver } from './load-driver.ts';
import { seededPlan } from './run-seed.ts';
import { evaluateAll, seriesContext } from '../expect/evaluate-series.ts';
import { startSeries, type SeriesOutcome } from './series-run.ts';
import { assessSaturation, completeSaturation } from './saturation.ts';
import { RunError, isAgentloadError, type AgentloadError } from '../errors.ts';
import { WHOLE, type Segment } from '../scheduler/segment.ts';
import { waitForStart } from './start-at.ts';
import { LiveTicker } from './live-ticker.ts';
import { shardRecord, type ShardIdentity, type ShardedRunResult } from './shard-record.ts';
import type { HdrSink } from '../metrics/hdr-sink.ts';
import type { CompiledPlan } from '../compile/compiled-plan.ts';
import type { IntervalSnapshot, Reporter, RunInfo, RunResult, SaturationReport } from '../contracts.ts';
import { redactUrl } from '../redact.ts';

/** How to run; all optional but the sink. */
export interface RunOptions {
  readonly sink: HdrSink;
  readonly reporters: readonly Reporter[];
  readonly signal?: AbortSignal;
  /** Where reporter faults and flow `log` lines go. */
  readonly log: (line: string) => void;
  readonly planText?: string;
  /** The plan's warnings, for RunInfo.warnings (the JSON result). */
  readonly warnings?: RunInfo['warnings'];
  /** `--target-pid`: where `expect.targetMemory` with `source: pid` reads VmRSS. */
  readonly targetPid?: number | null;
  /** `--shard i/N`: this generator's slice of the load (WHOLE when absent); worker threads stripe inside it. */
  readonly segment?: Segment;
  /** `--start-at`: epoch ms the first arrival waits for, once setup is done (start-at.ts); absent = at once. */
  readonly startAtMs?: number | null;
  /** Recorded in the result as `shard` (with the plan's expectations) for `agentload merge`; absent when not sharded. */
  readonly shard?: ShardIdentity | null;
}

/**
 * Calls a reporter hook. A reporter that throws in onStart or onInterval is
 * logged and disabled, and the run goes on. One that throws in onEnd could
 * not write its report: the others still get onEnd, and the failures are
 * kept in `endFailures` for finishRun to fail the run with (exit 3).
 */
export class ReporterSet {
  private readonly live: Reporter[];
  /** onEnd failures, as AGENTLOAD_E_REPORT_WRITE errors (or the reporter's own agentload error), in call order. */
  readonly endFailures: AgentloadError[] = [];
  constructor(reporters: readonly Reporter[], private readonly log: (line: string) => void) {
    this.live = [...reporters];
  }
  async call(hook: 'onStart' | 'onInterval' | 'onEnd', arg: unknown): Promise<void> {
    for (const r of [...this.live]) {
      try {
        await (r[hook] as ((a: unknown) => unknown) | undefined)?.call(r, arg);
      } catch (e) {
        this.live.splice(this.live.indexOf(r), 1);
        if (hook === 'onEnd') this.endFailures.push(isAgentloadError(e) ? e : new RunError('AGENTLOAD_E_REPORT_WRITE', `reporter ${r.id} could not write its report: ${(e as Error)?.message ?? String(e)}`, { cause: e }));
        else this.log(`reporter ${r.id} failed in ${hook} and was disabled: ${(e as Error).message}`);
      }
    }
  }
  /** Writes one line where reporter faults go. */
  logLine(line: string): void {
    this.log(line);
  }
}

/** Runs a reporter's optional init; a failure aborts the run before the first request. */
async function initReporter(r: Reporter): Promise<void> {
  try {
    await r.init?.();
  } catch (e) {
    if (isAgentloadError(e)) throw e;
    throw new RunError('AGENTLOAD_E_PLUGIN_START', `reporter ${r.id} could not start: ${(e as Error)?.message ?? String(e)}`, { cause: e });
  }
}

/** Static run info for reporters. */
export function runInfo(plan: CompiledPlan, planText: string | undefined, warnings: RunInfo['warnings'] = []): RunInfo {
  return {
    planFile: plan.file,
    planDigest: createHash('sha256').update(planText ?? JSON.stringify(plan.config)).digest('hex').slice(0, 16),
    // Reports and dashboards show the target: never its credentials.
    target: redactUrl(plan.target),
    environment: plan.environment,
    plannedDurationMs: plan.plannedDurationMs,
    startedAt: new Date().toISOString(),
    phases: plan.phases.map((p) => ({ name: p.name, startMs: p.startMs, durationMs: p.durationMs })),
    ...(plan.seed === null ? {} : { seed: plan.seed }),
    ...(warnings.length === 0 ? {} : { warnings }),
  };
}

/** The phase that the timeline says is running at `atMs` (null after the last). */
export function phaseAt(plan: CompiledPlan, atMs: number): string | null {
  for (const p of plan.phases) if (atMs < p.startMs + p.durationMs) return p.name;
  return null;
}

/** Builds the RunResult from a sink whose last interval is closed, and tells the reporters. */
export async function finishRun(
  plan: CompiledPlan, sink: HdrSink, info: RunInfo, intervals: IntervalSnapshot[], durationMs: number,
  isAborted: boolean, saturation: SaturationReport, reporters: ReporterSet, series?: SeriesOutcome, shard?: ShardIdentity | null,
): Promise<RunResult> {
  const warmupMs = series?.warmupMs ?? 0;
  const summary = sink.summary(durationMs - warmupMs);
  const sat = completeSaturation(saturation, intervals, warmupMs);
  const rateLimits = sink.rateLimits?.encode() ?? null;
  const ctx = seriesContext(plan, intervals, series?.targetMemory ?? null, warmupMs, rateLimits, sat);
  const result: ShardedRunResult = {
    info,
    summary,
    intervals,
    expectations: evaluateAll(plan, summary, ctx),
    ...(series === undefined ? {} : { resources: { targetMemory: series.targetMemory, generator: series.generator } }),
    isAborted,
    saturation: sat,
    histograms: sink.encodeTotals(),
    ...(rateLimits === null ? {} : { rateLimits }),
    ...(shard == null ? {} : { shard: shardRecord(shard, plan, warmupMs) }),
  };
  await reporters.call('onEnd', result);
  // Every reporter had its turn; a report that could not be written fails the run. Beyond the first
  // (the error main.ts prints), each gets its own line.
  const [unwritten, ...more] = reporters.endFailures;
  if (unwritten !== undefined) {
    for (const e of more) reporters.logLine(e.format());
    throw unwritten;
  }
  return result;
}

/** Inits reporters; a failure aborts before the first request (and before any --start-at wait). */
export async function initReporters(reporters: readonly Reporter[]): Promise<void> {
  for (const r of reporters) await initReporter(r);
}

/** Sends onStart to reporters already initialised; call when the load is about to begin. */
export async function announceStart(reporters: readonly Reporter[], info: RunInfo, log: (line: string) => void): Promise<ReporterSet> {
  const set = new ReporterSet(reporters, log);
  await set.call('onStart', info);
  return set;
}

/**
 * Waits for `--start-at` when one is set. Resolves false when the wait was
 * interrupted: nothing was sent, and the caller tears its setup down and
 * throws notStarted().
 */
export async function awaitStartAt(opts: RunOptions): Promise<boolean> {
  if (opts.startAtMs == null) return true;
  return waitForStart(opts.startAtMs, opts.signal, opts.log);
}

/** The error of a run interrupted while waiting for `--start-at`: no request sent, so no result is written. */
export function notStarted(startAtMs: number): RunError {
  return new RunError('AGENTLOAD_E_ABORTED', `interrupted while waiting for --start-at ${new Date(startAtMs).toISOString()}: no request was sent and no result was written`, {
    hint: 'run this shard again with a new --start-at (every shard needs the same one)',
  });
}

/** See the module comment. Never throws for target faults; those are outcomes. */
export async function runPlan(unseeded: CompiledPlan, opts: RunOptions): Promise<RunResult> {
  const { sink } = opts;
  const plan = seededPlan(unseeded, opts.segment);
  const clock = new MonotonicClock();
  const driver = new LoadDriver(plan, sink, clock, opts.log, opts.segment ?? WHOLE);
  await initReporters(opts.reporters);
  await driver.init();
  try {
    if (!(await awaitStartAt(opts))) throw notStarted(opts.startAtMs!);
  } catch (e) {
    driver.abort();
    await driver.run(); // closes the engines' pools; the scheduler never starts
    throw e;
  }
  const info = runInfo(plan, opts.planText, opts.warnings);
  const reporters = await announceStart(opts.reporters, info, opts.log);

  const intervals: IntervalSnapshot[] = [];
  let lastMs = 0;
  const takeSnapshot = (): void => {
    const now = clock.nowMs();
    driver.sampleGenerator();
    const snap = sink.snapshot(lastMs, now, driver.runner.currentPhaseName);
    lastMs = now;
    intervals.push(snap);
    ticker.onSnapshot(snap);
    void reporters.call('onInterval', snap);
  };
  const ticker = new LiveTicker(opts.reporters, {
    sink, nowMs: () => clock.nowMs(), phase: () => phaseAt(plan, clock.nowMs()), plannedDurationMs: plan.plannedDurationMs, log: opts.log,
  });
  ticker.start();
  const intervalTimer = setInterval(takeSnapshot, plan.intervalMs);
  const series = startSeries(plan, sink, clock, opts.targetPid ?? null, takeSnapshot);

  const onAbort = (): void => driver.abort();
  if (opts.signal?.aborted) driver.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const { isAborted } = await driver.run();
  opts.signal?.removeEventListener('abort', onAbort);
  clearInterval(intervalTimer);
  ticker.stop();
  takeSnapshot();
  const seriesOutcome = await series.stop();
  const saturation = assessSaturation(driver.runner, driver.maxLagMs);
  return finishRun(plan, sink, info, intervals, clock.nowMs(), isAborted, saturation, reporters, seriesOutcome, opts.shard);
}
