/**
 * Runs a compiled plan: engines up, reporters told, scheduler driven,
 * interval snapshots taken, grace period for in-flight work, then the
 * summary, expectations and saturation verdict. An abort (signal) takes the
 * same finishing path, so an interrupted run still reports what it measured.
 */
import { createHash } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Scheduler } from '../scheduler/scheduler.ts';
import { MonotonicClock } from '../scheduler/clock.ts';
import { VuRunner } from './vu-runner.ts';
import { evaluateExpectations } from '../expect/evaluate.ts';
import { assessSaturation } from './saturation.ts';
import { EVENT_LOOP_LAG_MS, REQUESTS_ABANDONED } from '../metrics/names.ts';
import type { HdrSink } from '../metrics/hdr-sink.ts';
import type { CompiledPlan } from '../compile/compiled-plan.ts';
import type { IntervalSnapshot, Reporter, RunInfo, RunResult } from '../contracts.ts';

/** How to run; all optional but the sink. */
export interface RunOptions {
  readonly sink: HdrSink;
  readonly reporters: readonly Reporter[];
  readonly signal?: AbortSignal;
  /** Where reporter faults and flow `log` lines go. */
  readonly log: (line: string) => void;
  readonly planText?: string;
}

/** Calls a reporter hook; a throwing reporter is disabled, the run goes on. */
class ReporterSet {
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

/** See the module comment. Never throws for target faults; those are outcomes. */
export async function runPlan(plan: CompiledPlan, opts: RunOptions): Promise<RunResult> {
  const { sink } = opts;
  const clock = new MonotonicClock();
  const runner = new VuRunner(plan, sink, clock, opts.log);
  const scheduler = new Scheduler(plan.phases, clock, runner);
  const reporters = new ReporterSet(opts.reporters, opts.log);
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  let maxLagMs = 0;

  const runCtx = { target: plan.target, config: plan.config, sink, nowUs: () => clock.nowMs() * 1000 };
  for (const e of plan.engines) await e.init(runCtx);

  const info: RunInfo = {
    planFile: plan.file,
    planDigest: createHash('sha256').update(opts.planText ?? JSON.stringify(plan.config)).digest('hex').slice(0, 16),
    target: plan.target,
    environment: plan.environment,
    plannedDurationMs: plan.plannedDurationMs,
    startedAt: new Date().toISOString(),
    phases: plan.phases.map((p) => ({ name: p.name, startMs: p.startMs, durationMs: p.durationMs })),
  };
  await reporters.call('onStart', info);

  const intervals: IntervalSnapshot[] = [];
  let lastMs = 0;
  const takeSnapshot = (): void => {
    const now = clock.nowMs();
    const lagMs = lag.max / 1e6;
    maxLagMs = Math.max(maxLagMs, lagMs);
    sink.gaugeSet(EVENT_LOOP_LAG_MS, Math.round(lagMs * 10) / 10);
    lag.reset();
    const snap = sink.snapshot(lastMs, now, runner.currentPhaseName);
    lastMs = now;
    intervals.push(snap);
    void reporters.call('onInterval', snap);
  };
  const intervalTimer = setInterval(takeSnapshot, plan.intervalMs);

  let isAborted = opts.signal?.aborted ?? false;
  const onAbort = (): void => {
    isAborted = true;
    scheduler.abort();
    runner.stopAll();
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  if (!isAborted) await scheduler.run();
  runner.stopAll();
  const isDrained = await runner.whenIdle(isAborted ? Math.min(plan.graceMs, 2000) : plan.graceMs);
  if (!isDrained) sink.add(REQUESTS_ABANDONED, runner.activeCount());
  opts.signal?.removeEventListener('abort', onAbort);
  clearInterval(intervalTimer);
  takeSnapshot();
  lag.disable();

  const durationMs = clock.nowMs();
  for (const e of plan.engines) await e.close();
  const summary = sink.summary(durationMs);
  const saturation = assessSaturation(runner, maxLagMs);
  const result: RunResult = {
    info,
    summary,
    intervals,
    expectations: evaluateExpectations(plan.expectations, summary),
    isAborted,
    saturation,
    histograms: sink.encodeTotals(),
  };
  await reporters.call('onEnd', result);
  return result;
}
