/**
 * Whether expectation results let a run pass: every one that is not optional
 * holds. An optional check (Artillery's ensure `strict: false`) is reported
 * PASS or FAIL like any other but never fails the run, as Artillery's plugin
 * leaves the exit code alone for it. The one rule every exit code and verdict
 * reads, so they cannot disagree.
 */
import type { ExpectationResult } from '../contracts.ts';

/** A result that fails the run: it did not hold and it is not optional. */
export function failsRun(e: ExpectationResult): boolean {
  return !e.isPass && e.isOptional !== true;
}

/** True when no result fails the run. */
export function isRunHeld(results: readonly ExpectationResult[]): boolean {
  return !results.some(failsRun);
}
