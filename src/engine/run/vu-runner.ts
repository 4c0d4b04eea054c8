/**
 * Starts and tracks virtual users for the scheduler: picks the weighted
 * scenario, enforces maxVusers (drops, never queues), keeps the
 * vusers_active gauge, and stops closed-model users at a phase end.
 *
 * Finished VU objects are kept and reassigned to later arrivals when their
 * engine promises to forget them at closeSession (Engine.releasesVuOnClose):
 * the objects then live in the old generation and an arrival allocates
 * nothing the scavenger must copy. The active list is an array with each
 * VU's slot, not a Set, for the same reason (a Set rehashes as it shrinks).
 */
import { ARRIVALS_DROPPED, ARRIVALS_LATE, STEPS_STALLED, VUSERS_ACTIVE, VUSERS_COMPLETED, VUSERS_CREATED, VUSERS_FAILED, VUSERS_INCOMPLETE } from '../metrics/names.ts';
import { newHistogram, recordUs, type Histogram } from '../metrics/histogram.ts';
import { pickScenario, type CompiledPhase, type CompiledPlan } from '../compile/compiled-plan.ts';
import type { CounterCell, GaugeCell, HdrSink } from '../metrics/hdr-sink.ts';
import type { VuStarter } from '../scheduler/scheduler.ts';
import type { Clock } from '../scheduler/clock.ts';
import type { VuVars } from '../contracts.ts';
import { Vu, type PhaseState, type VuHost } from './vu.ts';
import { shareOf, WHOLE, type Segment } from '../scheduler/segment.ts';
import { streamSeed } from '../scheduler/seeded-random.ts';
import { EnsureRecording } from './ensure-recording.ts';

/** Arrivals starting later than this are counted as late (generator behind its schedule). */
export const LATE_THRESHOLD_MS = 10;
/** A step after a think starting this late counts as stalled (steps_stalled; saturation.ts judges it). */
export const STEP_STALL_MS = 100;
/** Finished VU objects kept for reuse; beyond this a burst's leftovers go to the GC. */
const MAX_SPARE_VUS = 4096;

/** See the module comment. */
export class VuRunner implements VuStarter, VuHost {
  private readonly active: Vu[] = [];
  private readonly spare: Vu[] = [];
  private idleWaiters: Array<() => void> = [];
  /** Scheduling delay of each arrival, µs: the generator's own lateness. */
  readonly schedulingDelay: Histogram = newHistogram();
  /** The same during config.warmup: recorded, never judged (see onLateness). */
  private readonly warmupDelay: Histogram = newHistogram();
  lateArrivals = 0;
  arrivals = 0;
  /** Steps after a think judged (after the warm-up), those over LATE_THRESHOLD_MS late, and the worst, ms. */
  steps = 0;
  lateSteps = 0;
  maxStepLateMs = 0;
  currentPhaseName: string | null = null;
  private readonly created: CounterCell;
  private readonly completed: CounterCell;
  private readonly incomplete: CounterCell;
  private readonly failed: CounterCell;
  private readonly activeGauge: GaugeCell;
  /** Per-scenario starts and session lengths, when an expect.conditions check reads them; else null. */
  private readonly ensureRecording: EnsureRecording | null;
  /** Every user's starting variables: the plan's, plus what the top-level `before` flow left (LoadDriver). */
  variables: Readonly<Record<string, unknown>>;
  /** Set by the driver to its scheduler's pump (see Scheduler.pump). */
  pacer: { pump(): void } | null = null;

  constructor(
    private readonly plan: CompiledPlan,
    private readonly sink: HdrSink,
    private readonly clock: Clock,
    private readonly logLine: (line: string) => void,
    private readonly segment: Segment = WHOLE,
  ) {
    this.created = sink.counterCell(VUSERS_CREATED);
    this.completed = sink.counterCell(VUSERS_COMPLETED);
    this.incomplete = sink.counterCell(VUSERS_INCOMPLETE);
    this.failed = sink.counterCell(VUSERS_FAILED);
    this.activeGauge = sink.gaugeCell(VUSERS_ACTIVE);
    this.ensureRecording = EnsureRecording.of(plan, sink);
    this.variables = plan.variables;
  }

  nowUs(): number {
    return this.clock.nowMs() * 1000;
  }

  log(line: string): void {
    this.logLine(line);
  }

  initVars(vars: VuVars, random: { next(): number }): void {
    this.plan.initVars?.(vars, random);
  }

  onStepDone(): void {
    this.pacer?.pump();
  }

  activeCount(): number {
    return this.active.length;
  }

  onPhaseStart(phase: CompiledPhase): void {
    this.currentPhaseName = phase.name;
  }

  onLateness(lateMs: number, dueMs: number): void {
    // The warm-up (cold JIT, first connections) is excluded here as from every other summary. Its delays
    // still take the same path, into a histogram of their own: an early return that held for the whole
    // warm-up left the recording code without type feedback, and reaching it at the warm-up's end
    // deoptimized the scheduler's tick with everything inlined into it.
    const isMeasured = dueMs >= this.plan.warmupMs;
    recordUs(isMeasured ? this.schedulingDelay : this.warmupDelay, lateMs * 1000);
    if (!isMeasured) return;
    this.arrivals++;
    if (lateMs > LATE_THRESHOLD_MS) {
      this.lateArrivals++;
      this.sink.add(ARRIVALS_LATE);
    }
  }

  onThinkLateness(lateUs: number): void {
    // A closed-model user has no arrival schedule to fall behind: a think timer that fires late (a
    // blocked event loop, a busy CPU) is where its generator shows it is behind.
    if (this.clock.nowMs() < this.plan.warmupMs) return;
    const lateMs = lateUs / 1000;
    this.steps++;
    if (lateMs > this.maxStepLateMs) this.maxStepLateMs = lateMs;
    if (lateMs > LATE_THRESHOLD_MS) this.lateSteps++;
    if (lateMs > STEP_STALL_MS) this.sink.add(STEPS_STALLED);
  }

  startVu(phase: CompiledPhase, state: PhaseState, scheduledMs: number, ordinal: number): boolean {
    if (this.active.length >= this.maxVusers(phase)) {
      this.sink.add(ARRIVALS_DROPPED);
      return false;
    }
    const vu = this.spare.pop() ?? new Vu(this.variables, this);
    // Numbered by the plan's arrival sequence, not per process: `{{ vu }}`, the user's seeded stream
    // and `order: sequence` rows stay unique across workers and shards.
    const id = ordinal + 1;
    // The user's own stream (issue 16): its scenario, think times and template helpers replay with the seed.
    vu.random.reseed(streamSeed(this.plan.seed ?? 0, id));
    vu.assign(id, pickScenario(this.plan, vu.random.next()), state, scheduledMs * 1000);
    vu.slot = this.active.length;
    this.active.push(vu);
    this.created.count++;
    this.ensureRecording?.onStart(vu.scenario!);
    this.activeGauge.set(this.active.length);
    vu.start();
    return true;
  }

  /** This segment's share of the phase's maxVusers. */
  private maxVusers(phase: CompiledPhase): number {
    return shareOf(this.segment, phase.maxVusers);
  }

  /** The phase ended: its closed-model users finish the iteration they are in and start no other (issue 16). */
  stopPhase(state: PhaseState): void {
    state.isStopping = true;
  }

  /** Interrupt: every VU stops now, or at its next step boundary when a request is in flight; cut-off ones are `incomplete`. */
  stopAll(): void {
    for (const vu of this.active.slice()) {
      vu.phase!.isStopping = true;
      vu.halt();
    }
  }

  /**
   * The grace period is over: every VU still running is counted
   * `incomplete` now and let go. One that is still waiting on a request
   * ends at that request's end, unfinished, and is not counted again.
   */
  cutOff(): void {
    for (const vu of this.active.slice()) {
      vu.phase!.isStopping = true;
      if (vu.halt()) continue;
      this.incomplete.count++;
      this.release(vu);
    }
    this.activeGauge.set(this.active.length);
    this.wakeIdleWaiters();
  }

  onFinish(vu: Vu): void {
    const slot = vu.slot;
    if (slot < 0 || this.active[slot] !== vu) return;
    this.release(vu);
    if (vu.scenario!.isVuReusable && this.spare.length < MAX_SPARE_VUS) this.spare.push(vu);
    if (vu.isFailed) this.failed.count++;
    else if (vu.hasFinishedFlow) this.completed.count++;
    else this.incomplete.count++;
    this.ensureRecording?.onFinish(vu.arrivalUs, !vu.isFailed && vu.hasFinishedFlow, this.nowUs());
    this.activeGauge.set(this.active.length);
    this.wakeIdleWaiters();
  }

  /** Takes `vu` out of the active list (swap with the last, O(1)). */
  private release(vu: Vu): void {
    const slot = vu.slot;
    const last = this.active.pop()!;
    if (last !== vu) {
      this.active[slot] = last;
      last.slot = slot;
    }
    vu.slot = -1;
  }

  private wakeIdleWaiters(): void {
    // An open-model run at a low rate empties the active list at nearly every arrival; only the drain waits on it.
    if (this.active.length !== 0 || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /** Resolves true when no VU is active, or false after `timeoutMs`. */
  whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.active.length === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(false), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(t);
        resolve(true);
      });
    });
  }
}
