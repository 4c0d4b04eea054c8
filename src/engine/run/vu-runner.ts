/**
 * Starts and tracks virtual users for the scheduler: picks the weighted
 * scenario, enforces maxVusers (drops, never queues), keeps the
 * vusers_active gauge, and stops closed-model users at a phase end.
 */
import { ARRIVALS_DROPPED, ARRIVALS_LATE, VUSERS_ACTIVE, VUSERS_COMPLETED, VUSERS_CREATED } from '../metrics/names.ts';
import { newHistogram, recordUs, type Histogram } from '../metrics/histogram.ts';
import { pickScenario, type CompiledPhase, type CompiledPlan } from '../compile/compiled-plan.ts';
import type { HdrSink } from '../metrics/hdr-sink.ts';
import type { VuStarter } from '../scheduler/scheduler.ts';
import type { Clock } from '../scheduler/clock.ts';
import { Vu, type PhaseState, type VuHost } from './vu.ts';
import { shareOf, WHOLE, type Segment } from '../scheduler/segment.ts';

/** Arrivals starting later than this are counted as late (generator behind its schedule). */
export const LATE_THRESHOLD_MS = 10;

/** See the module comment. */
export class VuRunner implements VuStarter, VuHost {
  private readonly active = new Set<Vu>();
  private nextId = 1;
  private idleWaiters: Array<() => void> = [];
  /** Scheduling delay of each arrival, µs: the generator's own lateness. */
  readonly schedulingDelay: Histogram = newHistogram();
  lateArrivals = 0;
  arrivals = 0;
  currentPhaseName: string | null = null;

  constructor(
    private readonly plan: CompiledPlan,
    private readonly sink: HdrSink,
    private readonly clock: Clock,
    private readonly logLine: (line: string) => void,
    private readonly segment: Segment = WHOLE,
  ) {}

  nowUs(): number {
    return this.clock.nowMs() * 1000;
  }

  log(line: string): void {
    this.logLine(line);
  }

  activeCount(): number {
    return this.active.size;
  }

  onPhaseStart(phase: CompiledPhase): void {
    this.currentPhaseName = phase.name;
  }

  onLateness(lateMs: number, dueMs: number): void {
    // The warm-up (cold JIT, first connections) is excluded here as from every other summary.
    if (dueMs < this.plan.warmupMs) return;
    this.arrivals++;
    recordUs(this.schedulingDelay, lateMs * 1000);
    if (lateMs > LATE_THRESHOLD_MS) {
      this.lateArrivals++;
      this.sink.add(ARRIVALS_LATE);
    }
  }

  startVu(phase: CompiledPhase, state: PhaseState, scheduledMs: number): boolean {
    if (this.active.size >= this.maxVusers(phase)) {
      this.sink.add(ARRIVALS_DROPPED);
      return false;
    }
    const scenario = pickScenario(this.plan, Math.random());
    const vu = new Vu(this.nextId++, scenario, state, this.plan.variables, scheduledMs * 1000, this);
    this.active.add(vu);
    this.sink.add(VUSERS_CREATED);
    this.sink.gaugeSet(VUSERS_ACTIVE, this.active.size);
    vu.start();
    return true;
  }

  /** This segment's share of the phase's maxVusers. */
  private maxVusers(phase: CompiledPhase): number {
    return shareOf(this.segment, phase.maxVusers);
  }

  stopPhase(state: PhaseState): void {
    state.isStopping = true;
    if (!state.isLooping) return;
    for (const vu of [...this.active]) if (vu.phase === state) vu.interruptThink();
  }

  /** Stops every VU at its next boundary (end of run or interrupt). */
  stopAll(): void {
    for (const vu of [...this.active]) {
      (vu.phase as PhaseState).isStopping = true;
      vu.interruptThink();
    }
  }

  onFinish(vu: Vu): void {
    if (!this.active.delete(vu)) return;
    this.sink.add(VUSERS_COMPLETED);
    this.sink.gaugeSet(VUSERS_ACTIVE, this.active.size);
    if (this.active.size === 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const w of waiters) w();
    }
  }

  /** Resolves true when no VU is active, or false after `timeoutMs`. */
  whenIdle(timeoutMs: number): Promise<boolean> {
    if (this.active.size === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(false), timeoutMs);
      this.idleWaiters.push(() => {
        clearTimeout(t);
        resolve(true);
      });
    });
  }
}
