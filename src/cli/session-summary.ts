/**
 * The end of a multi-run command (a suite, --repeat): one combined table —
 * a row per run with its exit status, requests, rps, p95, errors and
 * PASS/FAIL counts — and, with `--output`, the summary document written
 * next to the per-run files.
 *
 *   agentload: suite of 2 plans, cool-down 30s — exit 1 (worst of the runs)
 *   plan       exit     requests    rps   p95 ms  errors  expectations
 *   http-load  0 ok         6021  100.3     4.12       0  4 PASS
 *   burst      1 FAIL       1230   41.0    88.10      12  3 PASS, 1 FAIL: max5xx
 */
import { formatDuration } from '../engine/duration.ts';
import { worstExit, type RunRecord } from './run-headline.ts';
import type { RepeatStats } from './repeat-summary.ts';

/** Format tag of the summary document (`--output` of a multi-run command). */
export const SESSION_SUMMARY_FORMAT = 'agentload-session/1';

function exitText(r: RunRecord): string {
  if (r.exitCode === null) return '- skipped';
  if (r.exitCode === 0) return '0 ok';
  if (r.exitCode === 1) return '1 FAIL';
  return r.errorCode === null ? `${r.exitCode} aborted` : `${r.exitCode} ${r.errorCode}`;
}

function expectationsText(r: RunRecord): string {
  if (r.headline === null) return '';
  const h = r.headline;
  const optional = h.optionalFailCount;
  if (h.passCount + h.failCount + optional === 0) return 'none';
  const fail = h.failCount > 0 ? `, ${h.failCount} FAIL: ${r.failed.join(', ')}` : '';
  return `${h.passCount} PASS${fail}${optional > 0 ? `, ${optional} FAIL (optional)` : ''}`;
}

function row(r: RunRecord, isRepeated: boolean): string[] {
  const name = isRepeated ? `${r.label} #${r.repetition}` : r.label;
  const h = r.headline;
  if (h === null) return [name, exitText(r), '', '', '', '', ''];
  const errors = h.errors === 0 ? '0' : `${h.errors} (${(h.errorRate * 100).toFixed(2)}%)`;
  return [name, exitText(r), String(h.requests), h.rps.toFixed(1), h.p95Ms.toFixed(2), errors, expectationsText(r)];
}

/**
 * The combined table (see the module comment). `repeat` > 1 names rows
 * `label #n`. The first column and the last two text columns are left-aligned.
 */
export function sessionTable(records: readonly RunRecord[], opts: { planCount: number; repeat: number; coolDownMs: number }): string[] {
  const what = opts.planCount > 1 ? `suite of ${opts.planCount} plans` : `${opts.repeat} repetitions`;
  const repeated = opts.planCount > 1 && opts.repeat > 1 ? `, each ${opts.repeat}×` : '';
  const cells = [['plan', 'exit', 'requests', 'rps', 'p95 ms', 'errors', 'expectations'], ...records.map((r) => row(r, opts.repeat > 1))];
  const widths = cells[0]!.map((_, c) => Math.max(...cells.map((r) => r[c]!.length)));
  const isLeft = (c: number): boolean => c === 0 || c === 1 || c === 6;
  return [
    `agentload: ${what}${repeated}, cool-down ${formatDuration(opts.coolDownMs)} — exit ${worstExit(records)} (worst of the runs)`,
    ...cells.map((r) => r.map((cell, c) => (isLeft(c) ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd()),
  ];
}

/** The summary document: every run's headline and file, the repeat statistics, the exit code. */
export function sessionDocument(records: readonly RunRecord[], repeats: readonly RepeatStats[], coolDownMs: number): Record<string, unknown> {
  return {
    format: SESSION_SUMMARY_FORMAT,
    exitCode: worstExit(records),
    coolDownMs,
    runs: records,
    repeats,
  };
}
