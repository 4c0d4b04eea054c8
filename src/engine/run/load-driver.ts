/**
 * Drives one generator's share of the load: engines up, scheduler run,
 * closed-model users stopped at the end, a grace period for in-flight work,
 * engines closed. Used by runPlan (one process) and by each worker thread;
 * it knows nothing of reporters or snapshots.
 */
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';
import { Scheduler } from '../scheduler/scheduler.ts';
import type { Clock } from '../scheduler/clock.ts';
import { shareOf, WHOLE, type Segment } from '../scheduler/segment.ts';
import { VuRunner } from './vu-runner.ts';
import { EVENT_LOOP_BUSY_PCT, EVENT_LOOP_LAG_MS, GENERATOR_CPU_PCT } from '../metrics/names.ts';
import { HdrSink } from '../metrics/hdr-sink.ts';
import type { CompiledPlan } from '../compile/compiled-plan.ts';
import { RunError } from '../errors.ts';
import { runHookFlow } from './run-hook-flow.ts';
import { DeadlineHeap } from '../deadline-heap.ts';

/** CPU and loop busyness over less wall time than this are not sampled (see sampleGenerator). */
const MIN_BUSY_SAMPLE_MS = 100;

/**
 * Runs the interval-snapshot code (histogram add, percentile walks over ~47 000
 * buckets) a few times before the clock starts. Cold, that code stalled the
 * event loop for ~60 ms at the first snapshot, which showed up as late arrivals.
 */
function warmSnapshotPath(): void {
  const sink = new HdrSink();
  const h = sink.handle('warm');
  // Enough rounds for the optimizing compiler to take the walk and the add (3 left the first real snapshot at 8 ms).
  // A few hundred samples up to 100 ms a round do it as well as 4 000 up to 2.3 s did, for two thirds of the CPU
  // before the first request: 8 rounds of 300 took 36 ms against 57 ms for 12 of 4 000, and the first snapshot of
  // 10 names with samples up to 2 s took 2.6 ms after either (18 ms unwarmed; medians of 7, core-pinned).
  for (let round = 0; round < 8; round++) {
    for (let i = 1; i < 300; i++) { sink.recordLatency(h, 1 + Math.floor((i * 100_000) / 300) + round * 7); sink.ok(h); }
    sink.snapshot(0, 1000, null);
  }
  sink.resetTotals();
  sink.summary(1000);
}

/** Largest per-phase bound on concurrent VUs for this segment, or null when a phase is unbounded. */
function concurrencyHint(plan: CompiledPlan, segment: Segment): number | null {
  let most = 0;
  for (const p of plan.phases) {
    if (p.kind === 'pause') continue;
    const bound = p.kind === 'users' ? Math.min(p.users, p.maxVusers) : p.maxVusers;
    if (!Number.isFinite(bound)) return null;
    most = Math.max(most, shareOf(segment, bound));
  }
  return most;
}

/** See the module comment. */
export class LoadDriver {
  readonly runner: VuRunner;
  private readonly scheduler: Scheduler;
  private readonly lag: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  /** Every engine's timeouts, waits and holds, on one timer (RunContext.deadlines). */
  private readonly deadlines = new DeadlineHeap(() => this.clock.nowMs());
  private isAborted = false;
  /** Worst event-loop delay seen by sampleGenerator(), ms. */
  maxLagMs = 0;
  private cpuMark = process.cpuUsage();
  private cpuWallMark = performance.now();
  private eluMark = performance.eventLoopUtilization();

  constructor(
    private readonly plan: CompiledPlan,
    private readonly sink: HdrSink,
    private readonly clock: Clock & { restart?(): void },
    private readonly log: (line: string) => void,
    private readonly segment: Segment = WHOLE,
  ) {
    this.runner = new VuRunner(plan, sink, clock, log, segment);
    this.scheduler = new Scheduler(plan.phases, clock, this.runner, segment, plan.seed ?? 0);
    this.runner.pacer = this.scheduler;
  }

  /** Opens the engines' pools; call before run(). */
  async init(): Promise<void> {
    const runCtx = {
      target: this.plan.target, config: this.plan.config, sink: this.sink, nowUs: () => this.clock.nowMs() * 1000,
      deadlines: this.deadlines, concurrencyHint: concurrencyHint(this.plan, this.segment),
    };
    for (const e of this.plan.engines) await e.init(runCtx);
    // Hooks read context.vars.target: the run's, after --target and the sim's port are known.
    if (this.plan.processor !== null) this.plan.processor.target = this.plan.target;
    if (this.plan.beforeFlow !== null) await this.runBefore();
    warmSnapshotPath();
    this.lag.enable();
  }

  /**
   * The top-level `before` flow, once, before the first phase: what it
   * leaves in its variables every user starts with. When it fails no user
   * starts: the engines are closed and the run ends with AGENTLOAD_E_BEFORE_FLOW.
   */
  private async runBefore(): Promise<void> {
    const { vars, isOk } = await runHookFlow(this.plan.beforeFlow!, this.runner.variables, () => this.clock.nowMs() * 1000, this.log, this.plan.seed ?? 0, 0);
    if (!isOk) {
      for (const e of this.plan.engines) await e.close();
      this.deadlines.clear();
      throw new RunError('AGENTLOAD_E_BEFORE_FLOW', 'the top-level before flow failed (see the processor error above), so no virtual user started');
    }
    this.runner.variables = Object.freeze({ ...this.runner.variables, ...vars });
  }

  /** The top-level `after` flow, once, after the last user, with the variables `before` left; a failure is logged, the run's results stand. */
  private async runAfter(): Promise<void> {
    const { isOk } = await runHookFlow(this.plan.afterFlow!, this.runner.variables, () => this.clock.nowMs() * 1000, this.log, this.plan.seed ?? 0, -1);
    if (!isOk) this.log('the top-level after flow failed (see the processor error above)');
  }

  /** Records the event-loop delay, how busy the loop was and the process's CPU since the last call into the sink's gauges; call once per interval. */
  sampleGenerator(): void {
    const lagMs = this.lag.max / 1e6;
    this.maxLagMs = Math.max(this.maxLagMs, lagMs);
    this.sink.gaugeSet(EVENT_LOOP_LAG_MS, Math.round(lagMs * 10) / 10);
    this.lag.reset();
    const now = performance.now();
    // A sliver (the warm-up cut, the snapshot after the engines closed) would overwrite the interval's
    // figure with a few ms of bookkeeping: it is left to the next sample instead.
    if (now - this.cpuWallMark < MIN_BUSY_SAMPLE_MS) return;
    const cpu = process.cpuUsage(this.cpuMark);
    this.sink.gaugeSet(GENERATOR_CPU_PCT, Math.round(((cpu.user + cpu.system) / 1000 / Math.max(now - this.cpuWallMark, 1)) * 1000) / 10);
    this.cpuMark = process.cpuUsage();
    this.cpuWallMark = now;
    this.sink.gaugeSet(EVENT_LOOP_BUSY_PCT, Math.round(performance.eventLoopUtilization(this.eluMark).utilization * 1000) / 10);
    this.eluMark = performance.eventLoopUtilization();
  }

  /** Stops scheduling and every VU (see VuRunner.stopAll); run() then waits at most the grace for requests in flight. */
  abort(): void {
    if (this.isAborted) return;
    this.isAborted = true;
    this.scheduler.abort();
    this.runner.stopAll();
  }

  /** Runs the schedule to its end (or abort), drains, closes engines. Resolves whether it was aborted. */
  async run(): Promise<{ isAborted: boolean }> {
    this.lag.reset(); // start-up (module loading, compiling) is not load-time lag
    this.cpuMark = process.cpuUsage();
    this.cpuWallMark = performance.now();
    this.eluMark = performance.eventLoopUtilization();
    this.clock.restart?.();
    if (!this.isAborted) await this.scheduler.run();
    // Running VUs finish their scenario within the grace (closed-model users start no new iteration); after
    // an interrupt they have already been stopped (abort), and the grace bounds their requests in flight.
    // VUs still busy here are cut off: their requests in flight are counted `requests_abandoned` by the
    // engines' close() below (per request, HdrSink.abandoned); the VUs themselves are `incomplete` (issue 16, item 6).
    if (!(await this.runner.whenIdle(this.plan.graceMs))) this.runner.cutOff();
    if (this.plan.afterFlow !== null && !this.isAborted) await this.runAfter();
    this.sampleGenerator();
    this.lag.disable();
    for (const e of this.plan.engines) await e.close();
    this.deadlines.clear();
    return { isAborted: this.isAborted };
  }
}
