/**
 * What the dashboard pushes each interval: the HTML report's charts (same
 * chartSpecs and lineChart) over the intervals so far, the per-name table
 * (counts and errors for the run so far, latencies of the last interval),
 * and the expectations once they are judged. Pure; strings are escaped here.
 */
import type { IntervalSnapshot, RunInfo, RunResult } from '../../engine/contracts.ts';
import { chartSpecs } from '../html/html-model.ts';
import { lineChart } from '../html/svg-chart.ts';
import { nameLabel } from '../format.ts';
import { msText } from '../progress-line.ts';

/** One `view` event. */
export interface DashboardView {
  readonly charts: readonly string[];
  readonly table: string;
  readonly expectations: string;
  readonly warnings: readonly string[];
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

/** The view while running: `expectations` says they are judged at the end. */
export function liveView(info: RunInfo, intervals: readonly IntervalSnapshot[], elapsedMs: number): DashboardView {
  const shim = { info, intervals, summary: { durationMs: elapsedMs } } as unknown as RunResult;
  return {
    charts: chartSpecs(shim).map(lineChart),
    table: table(intervals),
    expectations: '<p>Judged when the run ends; the live tiles above show where the run stands.</p>',
    warnings: [],
  };
}

/** The final view, with the judged expectations and the saturation warning. */
export function finalView(result: RunResult): DashboardView {
  const rows = result.expectations.map((e) => {
    const word = result.isAborted ? 'NOT JUDGED' : e.isPass ? 'PASS' : 'FAIL';
    return `<tr><td class="${e.isPass ? 'pass' : 'fail'}">${word}</td><td>${esc(e.name)}</td><td>${esc(e.measured)}</td><td>${esc(e.limit)}</td></tr>`;
  });
  return {
    charts: chartSpecs(result).map(lineChart),
    table: table(result.intervals),
    expectations: rows.length === 0 ? '<p>The plan sets no expectations.</p>'
      : `<table id="expectations-table"><thead><tr><th>Result</th><th>Expectation</th><th>Measured</th><th>Limit</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
    warnings: result.saturation.message ? [`WARNING ${result.saturation.message}`] : [],
  };
}
