/**
 * The dashboard's one page: inline CSS and script, no URL outside the
 * dashboard itself. The charts arrive as SVG strings drawn by the HTML
 * report's own chart code (svg-chart.ts via html-model.ts), so the live page
 * and the finished report look the same. The script listens on
 * /events (SSE): `status` every second, `view` (charts, table,
 * expectations) every interval, `end` once with the final report.
 */
import { PAGE_STYLE } from '../html/html-template.ts';

const SCRIPT = String.raw`
(function () {
  var token = new URLSearchParams(location.search).get('token') || '';
  var q = token ? '?token=' + encodeURIComponent(token) : '';
  function $(id) { return document.getElementById(id); }
  function text(id, v) { $(id).textContent = v; }
  var es = new EventSource('events' + q);
  es.addEventListener('status', function (e) {
    var s = JSON.parse(e.data);
    text('elapsed', Math.floor(s.elapsedMs / 1000) + 's / ' + Math.floor(s.plannedDurationMs / 1000) + 's');
    text('phase', s.phase || 'finishing');
    text('rps', s.rps.toFixed(1));
    text('p95', s.p95Ms === null ? '-' : s.p95Ms.toFixed(2) + ' ms');
    text('requests', String(s.requests));
    text('errors', String(s.errors));
    text('expected', String(s.expected));
    text('users', String(s.users));
    text('conns', s.connections === null ? '-' : String(s.connections));
    document.body.setAttribute('data-requests', String(s.requests));
  });
  es.addEventListener('view', function (e) {
    var v = JSON.parse(e.data);
    $('charts').innerHTML = v.charts.join('');
    $('names').innerHTML = v.table;
    $('expectations').innerHTML = v.expectations;
    $('warnings').textContent = v.warnings.join(' ');
    $('warnings').hidden = v.warnings.length === 0;
    text('generator', v.generator);
    document.body.setAttribute('data-views', String(Number(document.body.getAttribute('data-views') || 0) + 1));
  });
  es.addEventListener('end', function (e) {
    var d = JSON.parse(e.data);
    es.close();
    $('state').textContent = 'Run ended: ' + d.verdict;
    $('state').className = 'verdict ' + d.verdict.split(':')[0];
    $('stop').disabled = true;
    var url = URL.createObjectURL(new Blob([d.report], { type: 'text/html' }));
    var a = $('report'); a.href = url; a.download = 'agentload-report.html'; a.hidden = false;
    document.body.setAttribute('data-ended', 'true');
  });
  $('stop').addEventListener('click', function () {
    if (!confirm('Stop the run? Reports are written with what was measured so far.')) return;
    $('stop').disabled = true;
    fetch('stop' + q, { method: 'POST' }).then(function (r) {
      text('state', r.ok ? 'Stopping…' : 'Stop refused (' + r.status + ')');
    });
  });
})();
`;

const EXTRA_STYLE = `
.tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(140px, 1fr)); gap: 8px; margin: 12px 0; }
.tile { border: 1px solid #e5e7eb; border-radius: 4px; padding: 6px 10px; } .tile b { display: block; font-size: 20px; }
.tile span { color: #6b7280; font-size: 12px; } header { display: flex; gap: 16px; align-items: center; flex-wrap: wrap; }
button#stop { background: #dc2626; color: #fff; border: 0; border-radius: 4px; padding: 6px 14px; font-weight: 600; cursor: pointer; }
button#stop:disabled { background: #9ca3af; cursor: default; }
`;

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const TILES = [['elapsed', 'elapsed / planned'], ['phase', 'phase'], ['rps', 'req/s (last second)'], ['p95', 'p95 (interval)'],
  ['requests', 'requests'], ['errors', 'errors'], ['expected', 'expected outcomes'], ['users', 'active users'], ['conns', 'open connections']];

/** The page for a plan file name. */
export function dashboardPage(planFile: string): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>agentload live — ${esc(planFile)}</title><style>${PAGE_STYLE}${EXTRA_STYLE}</style></head>
<body>
<header><h1>agentload live — ${esc(planFile)}</h1><span id="state" class="verdict RUNNING" style="background:#2563eb">Running</span>
<button id="stop" type="button">Stop run</button><a id="report" hidden>Open the HTML report</a></header>
<div class="tiles">${TILES.map(([id, label]) => `<div class="tile"><b id="${id}">-</b><span>${esc(label!)}</span></div>`).join('')}</div>
<p>Generator: <span id="generator">-</span></p>
<p id="warnings" class="warning" hidden></p>
<h2>Over time</h2><div class="charts" id="charts"></div>
<h2>Requests by name</h2><div id="names"></div>
<h2>Expectations so far</h2><div id="expectations"></div>
<script>${SCRIPT}</script>
</body></html>`;
}
