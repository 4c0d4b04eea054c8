/**
 * Artillery flow forms that agentload's plan schema has no key for, carried
 * on the rewritten step under symbols (invisible to the schema, to reports
 * and to JSON), as STEP_CONDITION carries ifTrue / probability. The rewrite
 * (artillery-flow.ts) sets them; the compiler reads them.
 *
 *   loop + whileTrue / loopValue / loopElement   → a `loop` step with LOOP_OPTIONS
 *   parallel: [steps], limit                      → `{loop: steps, count: 1}` with PARALLEL
 */

/** Where a rewritten `loop` step carries Artillery's loop options. */
export const LOOP_OPTIONS: unique symbol = Symbol.for('agentload.artilleryLoopOptions');

/** Where a rewritten `parallel` step (now a one-pass loop) carries its concurrency limit. */
export const PARALLEL: unique symbol = Symbol.for('agentload.artilleryParallel');

/**
 * Where a flow step whose action no engine knows carries that action's name
 * (unknown-steps.ts): the step, emptied to `{think: 0}` for the schema,
 * compiles to one that fails the user's scenario, as Artillery's engines do.
 */
export const INVALID_STEP: unique symbol = Symbol.for('agentload.invalidStep');

/** Artillery's loop options as written. */
export interface LoopOptionsInput {
  /** A processor function `(context, next)`; `next(false)` ends the loop. Checked after each iteration, and it takes precedence over count / over. */
  readonly whileTrue: string | null;
  /** The variable that counts iterations from 0 (Artillery's `loopValue`; default `$loopCount`). */
  readonly indexVar: string | null;
  /** The variable that holds the current item (Artillery's `loopElement`; default `$loopElement`). */
  readonly elementVar: string | null;
}

/** Artillery's `parallel` as written: at most `limit` of its steps run at once (Artillery's default 100). */
export interface ParallelInput {
  readonly limit: number;
}

/** Artillery's default number of parallel steps in flight at once. */
export const DEFAULT_PARALLEL_LIMIT = 100;

/** Sets a symbol-keyed mark on a step: not enumerable, so structuredClone, JSON and the schema skip it. */
export function mark(step: object, key: symbol, value: unknown): void {
  Object.defineProperty(step, key, { value, enumerable: false, configurable: true });
}

/** The mark `key` on a step, if any. */
export function markOf<T>(step: unknown, key: symbol): T | undefined {
  return typeof step === 'object' && step !== null ? (step as Record<symbol, T | undefined>)[key] : undefined;
}
