/**
 * The HTML report's handlebars template: one self-contained page (inline
 * CSS, inline SVG, one inline script; no URL is ever fetched). Values are
 * escaped by handlebars; only the SVG built by svg-chart.ts (which escapes
 * its own text) and the pre-escaped JSON use triple braces.
 *
 * The script adds hover read-outs and table sorting, then writes
 * `<div id="agentload-ready" data-drawn="N">` — only when it ran to the end
 * without an error — which the Chromium test looks for.
 */

/** Inline page script (plain ES2017, no modules). */
export const PAGE_SCRIPT = String.raw`
(function () {
  var data = JSON.parse(document.getElementById('agentload-data').textContent);
  var tip = document.getElementById('tip');
  var g = data.geometry, plotW = g.width - g.left - g.right;
  data.charts.forEach(function (c) {
    var svg = document.getElementById(c.id);
    if (!svg) throw new Error('chart ' + c.id + ' missing');
    var cursor = svg.querySelector('.cursor');
    var xmax = Number(svg.getAttribute('data-xmax'));
    var xs = c.points.length ? c.points[0].map(function (p) { return p[0]; }) : [];
    svg.addEventListener('mousemove', function (ev) {
      if (!xs.length) return;
      var pt = svg.createSVGPoint(); pt.x = ev.clientX; pt.y = ev.clientY;
      var local = pt.matrixTransform(svg.getScreenCTM().inverse());
      var sec = (local.x - g.left) / plotW * xmax;
      var best = 0;
      xs.forEach(function (x, i) { if (Math.abs(x - sec) < Math.abs(xs[best] - sec)) best = i; });
      var cx = g.left + xs[best] / xmax * plotW;
      cursor.setAttribute('x1', cx); cursor.setAttribute('x2', cx); cursor.setAttribute('visibility', 'visible');
      tip.textContent = xs[best].toFixed(1) + ' s  ' + c.labels.map(function (l, k) {
        return l + ' ' + (Math.round(c.points[k][best][1] * 100) / 100) + ' ' + c.unit;
      }).join(' · ');
      tip.style.left = (ev.pageX + 12) + 'px'; tip.style.top = (ev.pageY + 12) + 'px'; tip.hidden = false;
    });
    svg.addEventListener('mouseleave', function () { cursor.setAttribute('visibility', 'hidden'); tip.hidden = true; });
  });
  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), function (table) {
  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
    th.addEventListener('click', function () {
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows).filter(function (r) { return !r.classList.contains('total'); });
      var dir = th.getAttribute('data-dir') === 'asc' ? -1 : 1;
      th.setAttribute('data-dir', dir === 1 ? 'asc' : 'desc');
      rows.sort(function (a, b) {
        var x = a.cells[col].textContent, y = b.cells[col].textContent;
        var nx = parseFloat(x), ny = parseFloat(y);
        return dir * (isNaN(nx) || isNaN(ny) ? x.localeCompare(y) : nx - ny);
      });
      var total = body.querySelector('.total');
      rows.forEach(function (r) { body.insertBefore(r, total); });
    });
  });
  });
  var drawn = 0;
  Array.prototype.forEach.call(document.querySelectorAll('svg.chart'), function (svg) {
    var ok = Array.prototype.some.call(svg.querySelectorAll('path.series, rect.bar'), function (p) {
      var b = p.getBBox();
      return (p.tagName === 'rect' || p.getTotalLength() > 0) && (b.width > 0 || b.height > 0);
    });
    if (ok) drawn++;
  });
  var ready = document.createElement('div');
  ready.id = 'agentload-ready';
  ready.hidden = true;
  ready.setAttribute('data-charts', String(document.querySelectorAll('svg.chart').length));
  ready.setAttribute('data-drawn', String(drawn));
  document.body.appendChild(ready);
})();
`;

/** Inline stylesheet. */
export const PAGE_STYLE = `
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 16px 2vw; color: #111827; }
.scroll { overflow-x: auto; max-width: 100%; }
td.samples code { display: block; white-space: pre-wrap; word-break: break-word; font-size: .85em; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 24px 0 8px; }
.verdict { display: inline-block; padding: 2px 10px; border-radius: 4px; color: #fff; font-weight: 600; }
.verdict.PASS { background: #16a34a; } .verdict.FAIL, .verdict.ABORTED { background: #dc2626; } .verdict.NO { background: #6b7280; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 12px 0; } dt { color: #6b7280; } dd { margin: 0; }
.warning { background: #fef3c7; border: 1px solid #f59e0b; padding: 6px 10px; border-radius: 4px; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(min(100%, 520px), 1fr)); gap: 12px; }
svg.chart { width: 100%; height: auto; border: 1px solid #e5e7eb; border-radius: 4px; background: #fff; }
svg .title { font-weight: 600; font-size: 13px; } svg .tick, svg .legend, svg .phase-label { font-size: 11px; fill: #4b5563; }
svg .grid { stroke: #f3f4f6; } svg .axis { stroke: #9ca3af; } svg .phase { stroke: #9ca3af; stroke-dasharray: 4 3; }
svg .series { stroke-width: 2; } svg .cursor { stroke: #111827; stroke-width: 1; }
table { border-collapse: collapse; } th, td { padding: 4px 8px; border-bottom: 1px solid #e5e7eb; text-align: right; white-space: nowrap; }
th { cursor: pointer; background: #f9fafb; } td:first-child, th:first-child { text-align: left; } tr.total td { font-weight: 600; }
#expectations td, #expectations th { text-align: left; }
td.pass { color: #16a34a; font-weight: 600; } td.fail { color: #dc2626; font-weight: 600; }
#tip { position: absolute; background: #111827; color: #fff; padding: 4px 8px; border-radius: 4px; font-size: 12px; pointer-events: none; }
`;

/** The page. Context: HtmlView plus `style` and `script`. */
export const PAGE_TEMPLATE = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="agentload">
<title>{{title}}</title>
<style>{{{style}}}</style>
</head>
<body>
<h1>{{title}}</h1>
<p><span class="verdict {{verdict}}">{{verdict}}</span></p>
<dl class="facts">
{{#each facts}}<dt>{{label}}</dt><dd>{{value}}</dd>
{{/each}}</dl>
{{#each warnings}}<p class="warning">WARNING {{this}}</p>
{{/each}}
<h2>Over time</h2>
<div class="charts">
{{#each charts}}{{{this}}}
{{/each}}</div>
{{#if endpointCharts.length}}<h2>By name over time</h2>
<div class="charts" id="endpoint-charts">
{{#each endpointCharts}}{{{this}}}
{{/each}}</div>{{/if}}
<h2>Requests by name</h2>
<div class="scroll"><table id="names" class="sortable">
<thead><tr>{{#each columns}}<th>{{this}}</th>{{/each}}</tr></thead>
<tbody>
{{#each rows}}<tr{{#if isTotal}} class="total"{{/if}}>{{#each cells}}<td>{{this}}</td>{{/each}}</tr>
{{/each}}</tbody>
</table></div>
<h2>Latency percentiles (ms, from each request's scheduled start)</h2>
<div class="scroll"><table id="percentiles" class="sortable">
<thead><tr>{{#each percentileColumns}}<th>{{this}}</th>{{/each}}</tr></thead>
<tbody>
{{#each percentileRows}}<tr{{#if isTotal}} class="total"{{/if}}>{{#each cells}}<td>{{this}}</td>{{/each}}</tr>
{{/each}}</tbody>
</table></div>
{{#if histogram}}<div class="charts" id="histogram">{{{histogram}}}</div>{{/if}}
<h2>Failures</h2>
{{#if failures.length}}<div class="scroll"><table id="failures" class="sortable">
<thead><tr><th>Name</th><th>Cause</th><th>Count</th><th>Share of the name's requests</th><th>HTTP statuses seen</th><th>Sample messages</th></tr></thead>
<tbody>
{{#each failures}}<tr><td>{{name}}</td><td>{{cause}}</td><td>{{count}}</td><td>{{share}}</td><td>{{statuses}}</td><td class="samples">{{#each samples}}<code>{{this}}</code>{{else}}—{{/each}}</td></tr>
{{/each}}</tbody>
</table></div>{{else}}<p id="failures">No failed requests.</p>{{/if}}
<h2>Expectations</h2>
{{#if expectations.length}}<table id="expectations">
<thead><tr><th>Result</th><th>Expectation</th><th>Measured</th><th>Limit</th><th>Note</th></tr></thead>
<tbody>
{{#each expectations}}<tr><td class="{{#if isPass}}pass{{else}}fail{{/if}}">{{#if isPass}}PASS{{else}}FAIL{{/if}}</td><td>{{name}}</td><td>{{measured}}</td><td>{{limit}}</td><td>{{reason}}</td></tr>
{{/each}}</tbody>
</table>{{else}}<p>The plan sets no expectations (config.expect).</p>{{/if}}
<div id="tip" hidden></div>
<script type="application/json" id="agentload-data">{{{dataJson}}}</script>
<script>{{{script}}}</script>
</body>
</html>
`;
