/**
 * Runs a compiled plan: engines up, reporters told, scheduler driven,
 * interval snapshots taken, grace period for in-flight work, then the
 * summary, expectations and saturation verdict. An abort (signal) takes the
 * same finishing path, so an interrupted run still reports what it measured.
 */
import { createHash } from 'node:crypto';
import { MonotonicClock } from '../scheduler/clock.ts';
import { LoadDriver } from './load-driver.ts';
import { evaluateAll, seriesContext } from '../expect/evaluate-series.ts';
import { startSeries, type SeriesOutcome } from './series-run.ts';
import { assessSaturation } from './saturation.ts';
import { RunError, isAgentloadError } from '../errors.ts';
import type { HdrSink } from '../metrics/hdr-sink.ts';
import type { CompiledPlan } from '../compile/compiled-plan.ts';
import type { IntervalSnapshot, Reporter, RunInfo, RunResult, SaturationReport } from '../contracts.ts';

/** How to run; all optional but the sink. */
export interface RunOptions {
  readonly sink: HdrSink;
  readonly reporters: readonly Reporter[];
  readonly signal?: AbortSignal;
  /** Where reporter faults and flow `log` lines go. */
  readonly log: (line: string) => void;
  readonly planText?: string;
  /** `--target-pid`: where `expect.targetMemory` with `source: pid` reads VmRSS. */
  readonly targetPid?: number | null;
}

/** Calls a reporter hook; a throwing reporter is disabled, the run goes on. */
export class ReporterSet {
  private readonly live: Reporter[];
  constructor(reporters: readonly Reporter[], private readonly log: (line: string) => void) {
    this.live = [...reporters];
  }
  async call(hook: 'onStart' | 'onInterval' | 'onEnd', arg: unknown): Promise<void> {
    for (const r of [...this.live]) {
      try {
        await (r[hook] as ((a: unknown) => unknown) | undefined)?.call(r, arg);
      } catch (e) {
        this.log(`reporter ${r.id} failed in ${hook} and was disabled: ${(e as Error).message}`);
        this.live.splice(this.live.indexOf(r), 1);
      }
    }
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
export function runInfo(plan: CompiledPlan, planText: string | undefined): RunInfo {
  return {
    planFile: plan.file,
    planDigest: createHash('sha256').update(planText ?? JSON.stringify(plan.config)).digest('hex').slice(0, 16),
    target: plan.target,
    environment: plan.environment,
    plannedDurationMs: plan.plannedDurationMs,
    startedAt: new Date().toISOString(),
    phases: plan.phases.map((p) => ({ name: p.name, startMs: p.startMs, durationMs: p.durationMs })),
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
  isAborted: boolean, saturation: SaturationReport, reporters: ReporterSet, series?: SeriesOutcome,
): Promise<RunResult> {
  const warmupMs = series?.warmupMs ?? 0;
  const summary = sink.summary(durationMs - warmupMs);
  const rateLimits = sink.rateLimits?.encode() ?? null;
  const ctx = seriesContext(plan, intervals, series?.targetMemory ?? null, warmupMs, rateLimits);
  const result: RunResult = {
    info,
    summary,
    intervals,
    expectations: evaluateAll(plan, summary, ctx),
    ...(series === undefined ? {} : { resources: { targetMemory: series.targetMemory, generator: series.generator } }),
    isAborted,
    saturation,
    histograms: sink.encodeTotals(),
    ...(rateLimits === null ? {} : { rateLimits }),
  };
  await reporters.call('onEnd', result);
  return result;
}

/** Inits reporters (a failure aborts before the first request), then sends onStart. */
export async function startReporters(reporters: readonly Reporter[], info: RunInfo, log: (line: string) => void): Promise<ReporterSet> {
  for (const r of reporters) await initReporter(r);
  const set = new ReporterSet(reporters, log);
  await set.call('onStart', info);
  return set;
}

/** See the module comment. Never throws for target faults; those are outcomes. */
export async function runPlan(plan: CompiledPlan, opts: RunOptions): Promise<RunResult> {
  const { sink } = opts;
  const clock = new MonotonicClock();
  const driver = new LoadDriver(plan, sink, clock, opts.log);
  const info = runInfo(plan, opts.planText);
  const reporters = await startReporters(opts.reporters, info, opts.log);
  await driver.init();

  const intervals: IntervalSnapshot[] = [];
  let lastMs = 0;
  const takeSnapshot = (): void => {
    const now = clock.nowMs();
    driver.sampleLag();
    const snap = sink.snapshot(lastMs, now, driver.runner.currentPhaseName);
    lastMs = now;
    intervals.push(snap);
    void reporters.call('onInterval', snap);
  };
  const intervalTimer = setInterval(takeSnapshot, plan.intervalMs);
  const series = startSeries(plan, sink, clock, opts.targetPid ?? null, takeSnapshot);

  const onAbort = (): void => driver.abort();
  if (opts.signal?.aborted) driver.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const { isAborted } = await driver.run();
  opts.signal?.removeEventListener('abort', onAbort);
  clearInterval(intervalTimer);
  takeSnapshot();
  const seriesOutcome = await series.stop();
  const saturation = assessSaturation(driver.runner, driver.maxLagMs);
  return finishRun(plan, sink, info, intervals, clock.nowMs(), isAborted, saturation, reporters, seriesOutcome);
}
