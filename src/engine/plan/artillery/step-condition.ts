/**
 * Artillery's per-request `probability` (percent) and `ifTrue` (a filtrex
 * expression over the user's variables, e.g. `"count > 2 and role == 'admin'"`).
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

/** Decides, per user and per pass, whether the step runs. */
export type StepWhen = (vars: Record<string, unknown>, random: { next(): number }) => boolean;

/** Compiles a condition; throws the filtrex error message for an expression it cannot read. */
export function compileStepCondition(c: StepConditionInput): StepWhen {
  const test = c.ifTrue === null ? null : compileExpression(c.ifTrue, { customProp: useDotAccessOperator });
  const p = c.probability === null ? null : Math.max(0, Math.min(100, c.probability)) / 100;
  return (vars, random) => {
    if (p !== null && !(random.next() < p)) return false;
    if (test === null) return true;
    const r: unknown = test(vars);
    // filtrex returns an Error object for a missing variable or a failed operation: the condition is false.
    return !(r instanceof Error) && Boolean(r);
  };
}
