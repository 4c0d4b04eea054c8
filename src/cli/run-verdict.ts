/**
 * The last lines of a run: one verdict line a person (or a CI log grep) can
 * read without the table, then where every report went.
 *
 *   PASS: 7 of 7 expectations held
 *   FAIL: 2 of 7 expectations failed (p95, maxErrors)
 *   ABORTED: stopped after 12.3s of 60s planned; 7 expectations not judged
 *   HTML report: /abs/report.html
 */
import type { RunResult } from '../engine/contracts.ts';
import { failsRun } from '../engine/expect/run-held.ts';

/** See the module comment. Pure. */
export function verdictLine(result: RunResult): string {
  const n = result.expectations.length;
  const plural = (k: number): string => `${k} expectation${k === 1 ? '' : 's'}`;
  if (result.isAborted) {
    const ran = `${(result.summary.durationMs / 1000).toFixed(1)}s of ${(result.info.plannedDurationMs / 1000).toFixed(0)}s planned`;
    return `ABORTED: stopped after ${ran}; ${n === 0 ? 'no expectations set' : `${plural(n)} not judged`}`;
  }
  if (n === 0) return 'PASS: the run finished; the plan sets no expectations (config.expect), so nothing was checked';
  const failed = result.expectations.filter(failsRun);
  const optional = result.expectations.filter((e) => !e.isPass && e.isOptional === true);
  const optionalNote = optional.length === 0 ? '' : `; ${optional.length} optional failed, not failing the run (${optional.map((e) => e.name).join(', ')})`;
  if (failed.length === 0) return `PASS: ${n - optional.length} of ${plural(n)} held${optionalNote}`;
  return `FAIL: ${failed.length} of ${plural(n)} failed (${failed.map((e) => e.name).join(', ')})${optionalNote}`;
}
