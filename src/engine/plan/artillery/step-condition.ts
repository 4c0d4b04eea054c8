/**
 * Artillery's per-request `probability` (percent) and `ifTrue` (a filtrex
 * expression over the user's variables, e.g. `"count > 2 and role == 'admin'"`,
 * or the name of a processor function called with those variables).
 * The Artillery rewrite lifts them off the request and keeps them on the step
 * under a symbol (invisible to the schema and to JSON); the compiler wraps
 * such a step so it runs only when the condition holds (a skipped step sends
 * nothing and records nothing, as in Artillery).
 */
import { compileExpression, useDotAccessOperator } from 'filtrex';

/** Where a step carries its condition (a symbol: no schema, report or JSON sees it). */
export const STEP_CONDITION: unique symbol = Symbol.for('agentload.artilleryStepCondition');

/** The condition as written. */
export interface StepConditionInput {
  readonly ifTrue: string | null;
  readonly probability: number | null;
}

/** Decides, per user and per pass, whether the step runs; `user` is the VU (a processor predicate may end its scenario). */
export type StepWhen = (vars: Record<string, unknown>, random: { next(): number }, user: object) => boolean;

/** A processor function named by ifTrue, called with the user's variables (Processor.predicate). */
export type IfTrueFunction = (vars: Record<string, unknown>, user: object) => boolean;

/**
 * Compiles a condition; throws the filtrex error message for an expression it
 * cannot read. `fn`: the processor function ifTrue names, when the processor
 * exports one by that name (Artillery looks the name up there first).
 */
export function compileStepCondition(c: StepConditionInput, fn: IfTrueFunction | null = null): StepWhen {
  const test = c.ifTrue === null || fn !== null ? null : compileExpression(c.ifTrue, { customProp: useDotAccessOperator });
  const p = c.probability === null ? null : Math.max(0, Math.min(100, c.probability)) / 100;
  return (vars, random, user) => {
    if (p !== null && !(random.next() < p)) return false;
    if (fn !== null) return fn(vars, user);
    if (test === null) return true;
    const r: unknown = test(vars);
    // filtrex returns an Error object for a missing variable or a failed operation: the condition is false.
    return !(r instanceof Error) && Boolean(r);
  };
}
