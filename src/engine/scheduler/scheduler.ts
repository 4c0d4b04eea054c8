/**
 * The scheduler owns time and nothing else. It walks the compiled phases,
 * asks ArrivalCursor when each arrival (or closed-model user) is due, and
 * starts it through the VuStarter with its *scheduled* time, so latency is
 * measured from the schedule even when the generator runs late.
 *
 * One timer drives everything: each tick starts every arrival that is due
 * and re-arms for the next due time. There is never one timer per arrival.
 * A tick that has spent MAX_TICK_MS starting arrivals yields with
 * setImmediate so I/O is not starved. The cap is on time, not on count: a
 * count cap (it was 100) starts a fixed number per loop turn, so once a
 * turn's I/O took longer than those arrivals were apart (about 25 000/s
 * here) the backlog only grew, while the bare undici loop, starting all that
 * was due, stayed on time.
 *
 * A busy loop runs timers late: while it works through a turn's I/O (a few
 * ms of responses at 30 000/s) the tick waits. So the runner also calls
 * pump() after every finished step, and once the next arrival is more than
 * PUMP_SLACK_MS overdue the tick runs from there, between two responses,
 * rather than after all of them (wrk2 checks its schedule per response for
 * the same reason). The slack keeps the armed timer doing the work on an
 * idle loop: a pump costs a clock read, and a pump that ticks re-arms the
 * timer, which is worth it at most once per slack.
 *
 * With a Segment (worker or shard), every generator walks the same arrival
 * sequence and starts only its stripe of it (see segment.ts).
 */
import { ArrivalCursor } from './arrival-schedule.ts';
import type { Clock } from './clock.ts';
import { owns, WHOLE, type Segment } from './segment.ts';
import { seededRandom, streamSeed } from './seeded-random.ts';
import type { CompiledPhase } from '../compile/compiled-plan.ts';
import type { PhaseState } from '../run/vu.ts';

/** What the scheduler drives; implemented by the VU runner. */
export interface VuStarter {
  /**
   * Starts one VU due at `scheduledMs`; returns false when it was dropped (maxVusers). `ordinal`
   * is the arrival's place in the whole plan's sequence (0-based, counted over every segment),
   * so users are numbered once across workers and shards.
   */
  startVu(phase: CompiledPhase, state: PhaseState, scheduledMs: number, ordinal: number): boolean;
  /** The phase ended: closed-model users stop at their next step boundary. */
  stopPhase(state: PhaseState): void;
  /** Called once per open-model arrival with how late it started, in ms, and when it was due. */
  onLateness(lateMs: number, dueMs: number): void;
  /** Called when a phase begins. */
  onPhaseStart(phase: CompiledPhase): void;
}

const MAX_TICK_MS = 20;
/** How many arrivals start between two looks at the clock within a tick. */
const CLOCK_CHECK_EVERY = 64;
const MAX_SLEEP_MS = 50;
/** How overdue the next arrival must be before pump() starts it instead of the timer. */
const PUMP_SLACK_MS = 1;

/** See the module comment. */
export class Scheduler {
  private phaseIndex = 0;
  private cursor: ArrivalCursor | null = null;
  private state: PhaseState | null = null;
  private startedInPhase = 0;
  /** Arrivals of the whole plan's sequence in the phases before this one (all segments'). */
  private startedBefore = 0;
  private timer: NodeJS.Timeout | null = null;
  /** When pump() takes over from the armed timer; Infinity while ticking, yielded or idle. */
  private pumpAtMs = Infinity;
  private isDone = false;
  private resolveDone: () => void = () => {};
  private readonly tickBound = (): void => this.tick();

  constructor(
    private readonly phases: readonly CompiledPhase[],
    private readonly clock: Clock,
    private readonly starter: VuStarter,
    private readonly segment: Segment = WHOLE,
    /** The run seed (issue 16): Poisson arrivals draw from a stream derived from it and the phase. */
    private readonly seed = 0,
  ) {}

  /** Runs the schedule; resolves when the last phase has ended (VUs may still be running). */
  run(): Promise<void> {
    return new Promise((resolve) => {
      this.resolveDone = resolve;
      this.tick();
    });
  }

  /** Stops scheduling now (interrupt); the current phase's users are told to stop. */
  abort(): void {
    this.pumpAtMs = Infinity;
    if (this.timer) clearTimeout(this.timer);
    if (this.state) this.starter.stopPhase(this.state);
    this.finish();
  }

  /** The phase running now, or null between/after phases. */
  currentPhase(): CompiledPhase | null {
    return this.isDone ? null : this.phases[this.phaseIndex] ?? null;
  }

  /** Runs the tick now when the next arrival is overdue by more than the slack; cheap otherwise (see the module comment). */
  pump(): void {
    // No arrival pending (pumpAtMs Infinity: a closed-model phase, or every arrival started): no clock read.
    if (this.pumpAtMs === Infinity || this.clock.nowMs() < this.pumpAtMs) return;
    clearTimeout(this.timer!);
    this.tick();
  }

  private tick(): void {
    this.timer = null;
    this.pumpAtMs = Infinity;
    if (this.isDone) return;
    const now = this.clock.nowMs();
    let batch = 0;
    while (this.phaseIndex < this.phases.length) {
      const p = this.phases[this.phaseIndex]!;
      if (this.state === null) this.enter(p);
      const cursor = this.cursor;
      if (cursor !== null) {
        for (let due = p.startMs + cursor.peekMs(); due <= now; due = p.startMs + cursor.peekMs()) {
          if (p.kind === 'users' && this.startedInPhase >= p.users) break;
          cursor.advance();
          const k = this.startedInPhase++;
          if (!owns(this.segment, k)) continue;
          // A closed-model user starting late shifts no request's latency (each is timed from its own
          // start), so only open-model arrivals feed the saturation verdict.
          if (p.kind === 'arrivals') this.starter.onLateness(now - due, due);
          this.starter.startVu(p, this.state!, due, this.startedBefore + k);
          if (++batch % CLOCK_CHECK_EVERY === 0 && this.clock.nowMs() - now >= MAX_TICK_MS) {
            this.timer = setImmediate(this.tickBound) as unknown as NodeJS.Timeout;
            return;
          }
        }
      }
      const endMs = p.startMs + p.durationMs;
      if (now < endMs) {
        const nextDue = cursor === null || (p.kind === 'users' && this.startedInPhase >= p.users) ? Infinity : p.startMs + cursor.peekMs();
        const sleep = Math.min(nextDue, endMs) - now;
        this.timer = setTimeout(this.tickBound, Math.max(0, Math.min(MAX_SLEEP_MS, sleep)));
        // The phase's end too: the next phase's first arrivals are due there.
        this.pumpAtMs = Math.min(nextDue, endMs) + PUMP_SLACK_MS;
        return;
      }
      this.starter.stopPhase(this.state!);
      this.state = null;
      this.cursor = null;
      this.startedBefore += this.startedInPhase;
      this.phaseIndex++;
    }
    this.finish();
  }

  private enter(p: CompiledPhase): void {
    this.state = { index: p.index, isLooping: p.kind === 'users', isStopping: false };
    this.startedInPhase = 0;
    this.starter.onPhaseStart(p);
    // Seeded per phase so every segment draws the same Poisson sequence.
    if (p.kind === 'arrivals') this.cursor = new ArrivalCursor(p, p.isPoisson, p.arrivalCount, seededRandom(streamSeed(this.seed, p.index)));
    else if (p.kind === 'users') {
      const spawn = { fromRatePerSec: p.spawnRatePerSec, toRatePerSec: p.spawnRatePerSec, durationMs: p.durationMs };
      this.cursor = new ArrivalCursor(spawn, false, null);
    } else this.cursor = null;
  }

  private finish(): void {
    if (this.isDone) return;
    this.isDone = true;
    this.resolveDone();
  }
}
