/**
 * `agentload sweep --html FILE`: the sweep as a self-contained page (no
 * script, no network): latency percentiles against rate, and achieved
 * requests and goodput against rate, drawn with the HTML report's SVG charts,
 * plus the stage table and the verdict. Pure: rows in, HTML out.
 */
import { lineChart, PALETTE, type ChartSeries } from '../plugins/html/svg-chart.ts';
import { highestHeld, type SweepRow } from './sweep-report.ts';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function series(label: string, color: string, rows: readonly SweepRow[], pick: (r: SweepRow) => number | null): ChartSeries {
  const points: Array<readonly [number, number]> = [];
  for (const r of rows) {
    const v = pick(r);
    if (v !== null) points.push([r.ratePerSec, v]);
  }
  return { label, color, points };
}

/** The page for `rows` of the sweep of `planFile`. */
export function sweepHtml(planFile: string, rows: readonly SweepRow[]): string {
  const xMaxS = Math.max(...rows.map((r) => r.ratePerSec), 1);
  const latency = lineChart({
    id: 'latency', title: 'Latency against arrival rate', unit: 'ms', xMaxS, phases: [], xUnit: '/s',
    series: [
      series('p50', PALETTE[0]!, rows, (r) => r.p50Ms), series('p95', PALETTE[1]!, rows, (r) => r.p95Ms), series('p99', PALETTE[3]!, rows, (r) => r.p99Ms),
    ],
  });
  const throughput = lineChart({
    id: 'throughput', title: 'Requests and goodput against arrival rate', unit: 'per s', xMaxS, phases: [], xUnit: '/s',
    series: [
      series('requests/s', PALETTE[0]!, rows, (r) => r.achievedPerSec),
      ...(rows.some((r) => r.goodputPerSec !== null) ? [series('goodput/s', PALETTE[2]!, rows, (r) => r.goodputPerSec)] : []),
    ],
  });
  const best = highestHeld(rows);
  const verdict = best === null ? 'No rate tried held every expectation.' : `Highest rate that held every expectation: ${best}/s.`;
  const body = rows.map((r) => `<tr><td>${r.ratePerSec}</td><td>${r.achievedPerSec.toFixed(1)}</td><td>${r.p50Ms}</td><td>${r.p95Ms}</td><td>${r.p99Ms}</td>` +
    `<td>${(r.errorRate * 100).toFixed(2)}%</td><td>${r.goodputPerSec === null ? '-' : r.goodputPerSec.toFixed(1)}</td>` +
    `<td>${esc(r.isSaturated ? 'generator saturated' : r.isHeld ? 'held' : `FAILED ${r.failed.join(', ')}`)}</td></tr>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>agentload sweep — ${esc(planFile)}</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;color:#111}table{border-collapse:collapse}td,th{padding:3px 10px;border-bottom:1px solid #ddd;text-align:right}
.chart .grid{stroke:#eee}.chart .axis{stroke:#999}.chart .tick,.chart .legend{font-size:11px;fill:#555}.chart .title{font-size:13px;font-weight:600}.chart .series{stroke-width:2}</style>
</head><body>
<h1>agentload sweep — ${esc(planFile)}</h1>
<p><strong>${esc(verdict)}</strong></p>
${latency}
${throughput}
<table><thead><tr><th>rate/s</th><th>req/s</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>errors</th><th>goodput/s</th><th>verdict</th></tr></thead>
<tbody>
${body}
</tbody></table>
</body></html>
`;
}
