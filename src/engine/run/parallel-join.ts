/**
 * Artillery's `parallel` step: each of its steps runs at once, in a branch of
 * its own, and the step ends when every branch has (Artillery's
 * async.parallelLimit, at most `limit` branches in flight).
 *
 * A branch is a child Vu that runs one step and shares its parent's
 * variables (what a branch captures, the next step sees) and hook context,
 * but keeps engine sessions of its own: an engine session carries one
 * request at a time, so two requests in flight need two sessions (two
 * connections, as Artillery's parallel requests do). Every branch's request
 * records under its own name and counts from the parallel step's scheduled
 * start, so time spent waiting for a `limit` slot is latency, not hidden.
 *
 *   parent ──► [a]──┐
 *          ──► [b]──┼──► all ended ──► parent resumes (failed if any branch failed)
 *          ──► [c]──┘
 *
 * Children are not users: the runner never sees them (their host is the
 * join), so vusers_* counts stay one per user.
 */
import type { VuVars } from '../contracts.ts';
import type { CompiledScenario, CompiledStep } from '../compile/compiled-plan.ts';

/** vu.ts's PhaseState, as a branch needs it (declared here: vu.ts imports this module, not the other way). */
interface BranchPhase {
  readonly index: number;
  readonly isLooping: boolean;
  isStopping: boolean;
}

/** Branches run their one step and stop: they never loop, whatever the parent's phase does. */
const BRANCH_PHASE: BranchPhase = { index: -1, isLooping: false, isStopping: false };

/** What the join needs of the parent user's host (the runner). */
export interface JoinHost {
  nowUs(): number;
  onStepDone(): void;
  onThinkLateness(lateUs: number): void;
  log(line: string): void;
}

/** A branch: a Vu made by the parent (vu.ts), with the join as its host. */
export interface Branch {
  readonly isFailed: boolean;
  readonly random: { reseed(seed: number): void };
  assign(id: number, scenario: CompiledScenario, phase: BranchPhase, scheduledUs: number): void;
  shareVars(vars: VuVars, hookContext: unknown): void;
  start(): void;
  halt(): boolean;
}

/** What a join needs of the user that runs the parallel step. */
export interface ParallelParent {
  readonly id: number;
  readonly vars: VuVars;
  readonly scenario: CompiledScenario | null;
  readonly random: { next(): number };
  hookContext: unknown;
  resume(): void;
  failScenario(): void;
}

/** See the module comment. One per parallel step in progress; dropped when it ends. */
export class ParallelJoin implements JoinHost {
  private readonly running: Branch[] = [];
  private next = 0;
  private isAnyFailed = false;
  private isHalting = false;

  constructor(
    private readonly parent: ParallelParent,
    private readonly host: JoinHost,
    private readonly newBranch: (host: ParallelJoin) => Branch,
    private readonly steps: readonly CompiledStep[],
    private readonly limit: number,
    private readonly scheduledUs: number,
    private readonly onEnd: (join: ParallelJoin) => void,
  ) {}

  /** Starts the first `limit` branches; ends at once for an empty list. */
  start(): void {
    if (this.steps.length === 0) return this.end();
    while (this.next < this.steps.length && this.running.length < this.limit) this.startBranch();
  }

  /** The parent is cut short: every branch stops at its next step boundary (or now, when thinking); no new one starts. */
  halt(): void {
    this.isHalting = true;
    for (const b of this.running.slice()) b.halt();
  }

  nowUs(): number {
    return this.host.nowUs();
  }

  onStepDone(): void {
    this.host.onStepDone();
  }

  onThinkLateness(lateUs: number): void {
    this.host.onThinkLateness(lateUs);
  }

  log(line: string): void {
    // Branch lines already carry the user's id (Vu.log prefixes it).
    this.host.log(line);
  }

  onFinish(branch: Branch): void {
    const i = this.running.indexOf(branch);
    if (i < 0) return;
    this.running.splice(i, 1);
    if (branch.isFailed) this.isAnyFailed = true;
    if (!this.isHalting && this.next < this.steps.length) {
      // Started from here, a branch that ends synchronously would recurse: startBranch's own loop is bounded by limit.
      this.startBranch();
      return;
    }
    if (this.running.length === 0 && (this.next >= this.steps.length || this.isHalting)) this.end();
  }

  private startBranch(): void {
    const step = this.steps[this.next++]!;
    const parent = this.parent;
    const scenario = parent.scenario!;
    const branch = this.newBranch(this);
    branch.random.reseed((parent.random.next() * 2 ** 32) >>> 0);
    branch.assign(parent.id, { ...scenario, before: NO_STEPS, flow: [step], after: NO_STEPS }, BRANCH_PHASE, this.scheduledUs);
    branch.shareVars(parent.vars, parent.hookContext);
    this.running.push(branch);
    branch.start();
  }

  private end(): void {
    this.onEnd(this);
    if (this.isAnyFailed) this.parent.failScenario();
    this.parent.resume();
  }
}

const NO_STEPS: readonly CompiledStep[] = Object.freeze([]);
