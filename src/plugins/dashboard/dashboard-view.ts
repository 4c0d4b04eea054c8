/**
 * What the dashboard pushes each interval: the HTML report's charts (same
 * chartSpecs and lineChart) over the intervals so far, the per-name table
 * (counts and errors for the run so far, latencies of the last interval),
 * and the expectations once they are judged. Pure; strings are escaped here.
 */
import type { ExpectationResult, IntervalSnapshot, RunInfo, RunResult } from '../../engine/contracts.ts';
import { chartSpecs } from '../html/html-model.ts';
import { lineChart } from '../html/svg-chart.ts';
import { nameLabel } from '../format.ts';
import { msText } from '../progress-line.ts';
import { generatorHealth } from '../html/html-sections.ts';

/** One `view` event. */
export interface DashboardView {
  readonly charts: readonly string[];
  readonly table: string;
  readonly expectations: string;
  readonly warnings: readonly string[];
  /** Generator health, one line. */
  readonly generator: string;
}

/** Expectations and generator health so far (dashboard-reporter.ts LiveJudgement). */
export interface Judgement {
  readonly expectations: readonly ExpectationResult[];
  readonly generator: string;
  readonly warning: string | null;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function table(intervals: readonly IntervalSnapshot[]): string {
  const totals = new Map<string, { count: number; errors: number }>();
  for (const s of intervals) {
    for (const n of s.byName) {
      const t = totals.get(nameLabel(n)) ?? { count: 0, errors: 0 };
      totals.set(nameLabel(n), { count: t.count + n.count, errors: t.errors + n.errors });
    }
  }
  const last = intervals.at(-1);
  const rows = [...totals].filter(([, t]) => t.count > 0).map(([name, t]) => {
    const l = last?.byName.find((n) => nameLabel(n) === name);
    const lat = l !== undefined && l.count > 0 ? l.latencyMs : null;
    const cells = [name, String(t.count), l ? l.rps.toFixed(1) : '0', ...(lat ? [lat.p50, lat.p95, lat.p99].map(msText) : ['-', '-', '-']), String(t.errors)];
    return `<tr>${cells.map((c) => `<td>${esc(c)}</td>`).join('')}</tr>`;
  });
  const head = ['Name', 'Requests', 'req/s (interval)', 'p50 ms', 'p95 ms', 'p99 ms', 'Errors'].map((h) => `<th>${h}</th>`).join('');
  return `<table id="names-table"><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function expectationTable(results: readonly ExpectationResult[], word: (e: ExpectationResult) => string): string {
  if (results.length === 0) return '<p>The plan sets no threshold expectations.</p>';
  const rows = results.map((e) => `<tr><td class="${e.isPass ? 'pass' : 'fail'}">${word(e)}</td><td>${esc(e.name)}</td><td>${esc(e.measured)}</td><td>${esc(e.limit)}</td><td>${esc(e.reason ?? '')}</td></tr>`);
  return `<table id="expectations-table"><thead><tr><th>Result</th><th>Expectation</th><th>Measured</th><th>Limit</th><th>Note</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The view while running: expectations so far (as the judge sees them now), else a note that they are judged at the end. */
export function liveView(info: RunInfo, intervals: readonly IntervalSnapshot[], elapsedMs: number, judged: Judgement | null): DashboardView {
  const shim = { info, intervals, summary: { durationMs: elapsedMs } } as unknown as RunResult;
  return {
    charts: chartSpecs(shim).map(lineChart),
    table: table(intervals),
    expectations: judged === null ? '<p>Judged when the run ends.</p>'
      : expectationTable(judged.expectations, (e) => (e.isPass ? 'PASS so far' : 'FAIL so far')),
    warnings: judged?.warning ? [`WARNING ${judged.warning}`] : [],
    generator: judged?.generator ?? '',
  };
}

/** The final view, with the judged expectations and the saturation warning. */
export function finalView(result: RunResult): DashboardView {
  return {
    charts: chartSpecs(result).map(lineChart),
    table: table(result.intervals),
    expectations: expectationTable(result.expectations, (e) => (result.isAborted ? 'NOT JUDGED' : e.isPass ? 'PASS' : e.isOptional === true ? 'FAIL (optional)' : 'FAIL')),
    warnings: result.saturation.message ? [`WARNING ${result.saturation.message}`] : [],
    generator: generatorHealth(result),
  };
}
