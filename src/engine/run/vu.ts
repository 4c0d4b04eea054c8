/**
 * One virtual user: walks its scenario's compiled flow as a small state
 * machine. No async function per step and no closure per request — the
 * engine calls resume() when a step is done, and a trampoline (inAdvance /
 * pendingResume) keeps synchronous resumes from growing the stack.
 */
import type { VirtualUser, VuVars } from '../contracts.ts';
import type { CompiledScenario, CompiledStep } from '../compile/compiled-plan.ts';
import { SeededStream } from '../scheduler/seeded-random.ts';
import { TEMPLATE_RANDOM } from '../templates.ts';
import type { HookContext, HookUser } from '../processor/processor.ts';
import { ParallelJoin } from './parallel-join.ts';

/**
 * Shared by every VU a phase started; the scheduler flips isStopping at the
 * phase end. A stopping closed-model user finishes its current iteration
 * and starts no other (issue 16); only halt() cuts a flow short.
 */
export interface PhaseState {
  readonly index: number;
  /** Closed model: users loop their flow until the phase stops. */
  readonly isLooping: boolean;
  isStopping: boolean;
}

/** What a VU needs from its runner. */
export interface VuHost {
  nowUs(): number;
  onFinish(vu: Vu): void;
  /** A step finished: the scheduler may start overdue arrivals now (Scheduler.pump). */
  onStepDone(): void;
  /** A think ended this late (µs) after its planned end: the closed model's measure of a generator behind (issue 16). */
  onThinkLateness(lateUs: number): void;
  log(line: string): void;
  /** Fills a new user's starting variables (payload rows, $uuid …; compile/vu-vars.ts); absent when none. */
  initVars?(vars: VuVars, random: { next(): number }): void;
}

import { CHECK_GO_ON, CHECK_NONE, CHECK_PENDING, CHECK_STOP, frame, loopItems, type Frame } from './loop-frame.ts';

const NO_STEPS: readonly CompiledStep[] = [];
/** A parallel branch's own variables: none (it shares its parent's, parallel-join.ts). */
const NO_VARS: Readonly<Record<string, unknown>> = Object.freeze({});

/**
 * See the module comment. Fields are all set in the constructor (monomorphic).
 * A Vu object can serve many arrivals in turn (VuRunner recycles it through
 * assign()), so that an open-model arrival allocates nothing of its own: at
 * 25 000 arrivals/s, a fresh user per arrival kept the in-flight ones young and
 * made every scavenge copy them (scavenge p50 3.4 ms against 1.7 ms for a bare
 * undici loop).
 */
export class Vu implements VirtualUser, HookUser {
  id = 0;
  scenario: CompiledScenario | null = null;
  phase: PhaseState | null = null;
  /** The session of the engine whose step runs now (see useEngine); the others wait in `sessions`. */
  session: unknown = null;
  scheduledUs = 0;
  /** When this user was due to start (run µs): its session length runs from here. */
  arrivalUs = 0;
  /** The VU's slot in its runner's active list, or -1 when idle (owned by VuRunner). */
  slot = -1;
  /** This user's random stream, reseeded by VuRunner per arrival from (run seed, id): think times, template helpers. */
  readonly random = new SeededStream();

  nextRandom(): number {
    return this.random.next();
  }
  /** Set when the VU ended: true when it ran its flow to the end, false when halt() cut it off (`incomplete`). */
  hasFinishedFlow = false;
  /** A processor function failed (failScenario): the flow ends at the next step boundary, counted vusers_failed. */
  isFailed = false;
  /** Processor hooks' `context` for this user (processor.ts), made at its first hook. */
  hookContext: HookContext | null = null;
  /** Captures of the engine step in flight, checked when the flow goes on (checkCaptures); null when none. */
  private pendingCaptures: readonly string[] | null = null;
  /** halt() was called: the flow ends at the next step boundary, unfinished. */
  private isHalting = false;
  /** Created on first use: a static request never reads vars, and most arrivals make only those. */
  private varsRef: VuVars | null = null;
  private readonly frames: Frame[] = [];
  /** Sessions by engine slot (CompiledScenario.engines); null until that engine's first step and after closeSessions. */
  private readonly sessions: unknown[] = [];
  /** The slot whose session is in `session`, or -1 before the first engine step. */
  private engineSlot = -1;
  /** The frame of the before-steps or of the flow, reused for every iteration and every arrival. */
  private readonly root: Frame = frame(NO_STEPS);
  private isInBefore = false;
  /** The scenario's `after` steps (afterScenario functions) are running: the user's last. */
  private isInAfter = false;
  private isInAdvance = false;
  private hasPendingResume = false;
  private nextScheduledUs = 0;
  private timer: NodeJS.Timeout | null = null;
  /** The think's timer is an Immediate (the last sub-millisecond wait, see endThink): cleared with clearImmediate. */
  private isTimerImmediate = false;
  /** Bound on first think only: most open-model VUs never think, and a closure per VU is garbage. */
  private onThinkDone: (() => void) | null = null;
  /** The parallel step in progress (parallel-join.ts), or null. */
  private join: ParallelJoin | null = null;
  /** finish() ran for the current assignment. */
  private isEnded = false;

  constructor(
    private readonly variables: Readonly<Record<string, unknown>>,
    private readonly host: VuHost,
  ) {}

  /** Makes this object the VU `id`, due at `scheduledUs`; it must be new or finished. */
  assign(id: number, scenario: CompiledScenario, phase: PhaseState, scheduledUs: number): void {
    this.id = id;
    this.scenario = scenario;
    this.phase = phase;
    this.session = null;
    this.engineSlot = -1;
    this.scheduledUs = scheduledUs;
    this.arrivalUs = scheduledUs;
    this.nextScheduledUs = scheduledUs;
    this.varsRef = null;
    this.isInBefore = scenario.before.length > 0;
    this.isInAfter = false;
    this.isFailed = false;
    this.pendingCaptures = null;
    this.hookContext = null;
    this.isInAdvance = false;
    this.hasPendingResume = false;
    this.isHalting = false;
    this.hasFinishedFlow = false;
    this.join = null;
    this.isEnded = false;
    // Truncating costs a runtime call even on an empty array; a finished VU's stack is empty already.
    if (this.frames.length !== 0) this.frames.length = 0;
    this.frames.push(this.enterRoot(this.isInBefore ? scenario.before : scenario.flow));
  }

  get vars(): VuVars {
    if (this.varsRef === null) {
      this.varsRef = { ...this.variables, vu: this.id };
      // Read by the random template helpers (templates.ts); a symbol, so no plan variable or JSON sees it.
      (this.varsRef as Record<symbol, unknown>)[TEMPLATE_RANDOM] = this.random;
      this.host.initVars?.(this.varsRef, this.random);
    }
    return this.varsRef;
  }

  /** A parallel branch (parallel-join.ts) works on its parent's variables and hook context, not copies. */
  shareVars(vars: VuVars, hookContext: unknown): void {
    this.varsRef = vars;
    this.hookContext = hookContext as HookContext | null;
  }

  /** Starts the flow. Engine sessions open lazily, at each engine's first step (see useEngine). */
  start(): void {
    this.advance();
  }

  resume(): void {
    this.host.onStepDone();
    if (this.isInAdvance) {
      this.hasPendingResume = true;
      return;
    }
    this.advance();
  }

  log(line: string): void {
    this.host.log(`[vu ${this.id}] ${line}`);
  }

  get scenarioName(): string {
    return this.scenario?.name ?? '';
  }

  /** The step about to run captures these: cleared now, so checkCaptures sees whether this step set them. */
  private expectCaptures(names: readonly string[]): void {
    const vars = this.vars;
    for (const n of names) vars[n] = undefined;
    this.pendingCaptures = names;
  }

  /**
   * After a step with captures: one that found nothing ends this user's
   * scenario as failed (Artillery's "failed capture"); later steps would
   * otherwise send the missing value as an empty string. The request itself
   * was already counted (`capture`, or its own failure).
   */
  private checkCaptures(): void {
    const names = this.pendingCaptures!;
    this.pendingCaptures = null;
    const vars = this.vars;
    for (const n of names) {
      if (vars[n] === undefined) {
        this.failScenario();
        return;
      }
    }
  }

  /**
   * A processor function failed: no further step runs (no afterScenario
   * either) and the user ends as failed once the caller resumes it.
   */
  failScenario(): void {
    this.isFailed = true;
    this.isHalting = true;
    if (this.frames.length !== 0) this.frames.length = 0;
  }

  /**
   * Cuts the flow short (interrupt, or the end of the grace period): a
   * thinking VU ends now, a busy one at its next step boundary, either way
   * unfinished. Returns true when it ended now.
   */
  halt(): boolean {
    this.isHalting = true;
    if (this.join !== null) {
      // Branches that were thinking end now; when that was all of them, this user has just ended too.
      this.join.halt();
      return this.isEnded;
    }
    if (this.timer === null) return false;
    if (this.isTimerImmediate) clearImmediate(this.timer as unknown as NodeJS.Immediate);
    else clearTimeout(this.timer);
    this.timer = null;
    this.finish(false);
    return true;
  }

  private advance(): void {
    this.isInAdvance = true;
    for (;;) {
      // Guarded: an empty stack read as frames[-1] is a property lookup by the key "-1", ~40 ns, once per iteration.
      const depth = this.frames.length;
      const f = depth === 0 ? undefined : this.frames[depth - 1];
      if (this.pendingCaptures !== null) this.checkCaptures();
      if (f === undefined) {
        if (!this.nextIteration()) return this.finish();
        continue;
      }
      if (f.index >= f.steps.length) {
        if (f.options !== null && f.options.check !== null) {
          if (!this.endCheckedIteration(f)) return;
          continue;
        }
        if (++f.iteration < f.count && (f.items === null || f.iteration < f.items.length)) {
          f.index = 0;
          this.setLoopVars(f);
        } else this.frames.pop();
        continue;
      }
      const step = f.steps[f.index++]!;
      if (step.kind === 'engine') {
        if (this.isHalting) return this.finish(false);
        this.scheduledUs = this.nextScheduledUs > 0 ? this.nextScheduledUs : this.host.nowUs();
        this.nextScheduledUs = 0;
        this.hasPendingResume = false;
        if (step.slot !== this.engineSlot) this.useEngine(step.slot);
        if (step.captures !== undefined && step.captures !== null) this.expectCaptures(step.captures);
        step.engine.runStep(step.data, this);
        if (!this.hasPendingResume) {
          this.isInAdvance = false;
          return;
        }
      } else if (step.kind === 'think') {
        const ms = step.minMs + this.random.next() * (step.maxMs - step.minMs);
        if (this.isHalting) return this.finish(false);
        this.nextScheduledUs = this.host.nowUs() + ms * 1000;
        this.onThinkDone ??= () => this.endThink();
        this.isTimerImmediate = false;
        // Whole milliseconds by timer, the fraction by endThink: a rounded-up timer made the next request
        // ~1 ms late on average, all of it counted in that request's latency.
        this.timer = setTimeout(this.onThinkDone, Math.floor(ms));
        this.isInAdvance = false;
        return;
      } else if (step.kind === 'log') {
        this.log(step.template.render(this.vars));
      } else if (step.kind === 'invalid') {
        // Artillery's engines fail the user at a step they cannot read ("an URL must be specified", "invalid_step").
        for (const c of step.counters) c.count++;
        this.failScenario();
      } else if (step.kind === 'parallel') {
        if (this.isHalting) return this.finish(false);
        this.hasPendingResume = false;
        this.startParallel(step.steps, step.limit);
        if (!this.hasPendingResume) {
          this.isInAdvance = false;
          return;
        }
      } else if (step.kind === 'function') {
        if (this.isHalting) return this.finish(false);
        this.hasPendingResume = false;
        step.processor.runFunction(step.hook, this);
        if (!this.hasPendingResume) {
          this.isInAdvance = false;
          return;
        }
      } else {
        // A step with Artillery's ifTrue / probability is a one-pass loop with a condition; it leaves the loop variables alone.
        if (step.when !== undefined && step.when !== null) {
          if (step.when(this.vars, this.random, this)) this.frames.push(frame(step.steps));
          continue;
        }
        const items = step.over === null ? null : loopItems(step.over.render(this.vars), this.vars);
        if (items !== null && items.length === 0) continue;
        const loop = frame(step.steps, step.count, items, step.options ?? null);
        this.setLoopVars(loop);
        this.frames.push(loop);
      }
    }
  }

  /**
   * The think timer fired. Timers fire early by up to a millisecond (libuv
   * arms them from its cached loop time, in whole ms), and the next request
   * must never go before its scheduled start, or its latency, counted from
   * that start, misses the difference: so an early timer waits out the
   * rest. Less than a millisecond is waited with setImmediate (I/O still
   * runs between checks): another timer would add a whole millisecond or
   * more of lateness to the request's latency.
   */
  private endThink(): void {
    const earlyUs = this.nextScheduledUs - this.host.nowUs();
    if (earlyUs > 0) {
      this.isTimerImmediate = earlyUs < 1000;
      this.timer = this.isTimerImmediate ? setImmediate(this.onThinkDone!) as unknown as NodeJS.Timeout
        : setTimeout(this.onThinkDone!, Math.floor(earlyUs / 1000));
      return;
    }
    this.timer = null;
    this.host.onThinkLateness(-earlyUs);
    this.resume();
  }

  /** After the before-steps or a finished iteration: what runs next, if anything. */
  private nextIteration(): boolean {
    if (this.isHalting) return false;
    if (this.isInBefore) {
      this.isInBefore = false;
      this.frames.push(this.enterRoot(this.scenario!.flow));
      return true;
    }
    if (this.isInAfter) return false;
    if (this.phase!.isLooping && !this.phase!.isStopping) {
      this.frames.push(this.enterRoot(this.scenario!.flow));
      return true;
    }
    if (this.scenario!.after.length === 0) return false;
    // afterScenario runs once, after the user's last iteration (Artillery appends it to the flow).
    this.isInAfter = true;
    this.frames.push(this.enterRoot(this.scenario!.after));
    return true;
  }

  /** The root frame, rewound onto `steps` (the root is only re-entered after it was popped). */
  private enterRoot(steps: readonly CompiledStep[]): Frame {
    const r = this.root;
    r.steps = steps;
    r.index = 0;
    r.iteration = 0;
    r.count = 1;
    r.items = null;
    return r;
  }

  private setLoopVars(f: Frame): void {
    const vars = this.vars;
    const element = f.items === null ? f.iteration : f.items[f.iteration];
    vars.$loopIndex = f.iteration;
    if (f.options === null) {
      vars.$loopCount = f.iteration;
      vars.$loopElement = element;
    } else {
      // Artillery's loopValue / loopElement rename these two.
      vars[f.options.indexVar] = f.iteration;
      vars[f.options.elementVar] = element;
    }
  }

  /**
   * The end of an iteration of a whileTrue loop: Artillery counts the
   * iteration, then asks the function whether to go on (so the body runs at
   * least once, and count / over no longer end the loop). False when the
   * answer is pending (the function resumes the user when it answers).
   */
  private endCheckedIteration(f: Frame): boolean {
    if (f.check === CHECK_NONE) {
      f.iteration++;
      this.setLoopVars(f);
      f.check = CHECK_PENDING;
      this.hasPendingResume = false;
      const check = f.options!.check!;
      check.processor.runLoopCheck(check.hook, this, (isGoingOn) => {
        f.check = isGoingOn ? CHECK_GO_ON : CHECK_STOP;
        this.resume();
      });
      if (this.hasPendingResume) return true;
      this.isInAdvance = false;
      return false;
    }
    // A failed check cleared the frames (failScenario): f is no longer on the stack.
    if (this.frames[this.frames.length - 1] !== f) return true;
    const isGoingOn = f.check === CHECK_GO_ON && !this.isHalting;
    f.check = CHECK_NONE;
    if (isGoingOn) f.index = 0;
    else this.frames.pop();
    return true;
  }

  /** Runs a parallel step's branches (parallel-join.ts); the join resumes this user when all have ended. */
  private startParallel(steps: readonly CompiledStep[], limit: number): void {
    const scheduledUs = this.nextScheduledUs > 0 ? this.nextScheduledUs : this.host.nowUs();
    this.nextScheduledUs = 0;
    const join = new ParallelJoin(this, this.host, (h) => new Vu(NO_VARS, h), steps, limit, scheduledUs, (j) => {
      if (this.join === j) this.join = null;
    });
    this.join = join;
    join.start();
  }

  private finish(hasFinishedFlow = true): void {
    this.isEnded = true;
    this.hasFinishedFlow = hasFinishedFlow && !this.isFailed;
    this.isInAdvance = false;
    if (this.frames.length !== 0) this.frames.length = 0;
    this.closeSessions();
    this.host.onFinish(this);
  }

  /**
   * Puts the session of the scenario's engine `slot` in `session` (the one
   * field VirtualUser has), opening it on that engine's first step, and
   * keeps the previous engine's session in `sessions`. Swapping is safe
   * because engines read vu.session only inside runStep and closeSession:
   * their sessions keep the VU, not the other way round, for callbacks
   * (HttpExchange, RpcSession, WsSession). Costs one comparison per step
   * for a single-engine flow.
   */
  private useEngine(slot: number): void {
    const sessions = this.sessions;
    if (this.engineSlot >= 0) sessions[this.engineSlot] = this.session;
    this.engineSlot = slot;
    const s = sessions[slot];
    this.session = s !== undefined && s !== null ? s : this.scenario!.engines[slot]!.openSession(this);
  }

  /** closeSession on every engine this VU opened a session with, each seeing its own session. */
  private closeSessions(): void {
    const sessions = this.sessions;
    if (this.engineSlot >= 0) sessions[this.engineSlot] = this.session;
    const engines = this.scenario!.engines;
    for (let i = 0; i < sessions.length; i++) {
      const s = sessions[i];
      if (s === null || s === undefined) continue;
      this.session = s;
      sessions[i] = null;
      engines[i]!.closeSession(this);
    }
    this.session = null;
    this.engineSlot = -1;
  }
}
