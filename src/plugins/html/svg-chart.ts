/**
 * Line charts as inline SVG strings, drawn at report time so the HTML file
 * shows its charts with no network and even with scripts blocked (ticket
 * attachments, mail previews). Pure; all text is XML-escaped here because
 * the template inserts the SVG unescaped.
 *
 *   ┌ title ──────────────────────── legend ┐
 *   │ y ticks │  grid, phase lines, series  │
 *   │         └──────────── x ticks (s) ────┘
 */

/** One line: label, colour, and (seconds since start, value) points. */
export interface ChartSeries {
  readonly label: string;
  readonly color: string;
  readonly points: ReadonlyArray<readonly [number, number]>;
}

/** A chart to draw. */
export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  /** Unit shown after the title and in tooltips, e.g. "ms", "req/s". */
  readonly unit: string;
  readonly series: readonly ChartSeries[];
  /** Right edge of the x axis in seconds (planned or actual duration). */
  readonly xMaxS: number;
  /** Phase boundaries drawn as dashed vertical lines. */
  readonly phases: ReadonlyArray<{ readonly name: string; readonly startS: number }>;
  /** Suffix of the x ticks; absent = "s" (time charts). A sweep's charts are against rate ("/s"). */
  readonly xUnit?: string;
}

const W = 760;
const H = 260;
const PAD = { left: 56, right: 16, top: 34, bottom: 30 };

/** Colours with enough contrast on white, in series order. */
export const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#ca8a04', '#db2777'];

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A "nice" step (1, 2 or 5 × 10^n) giving about `count` ticks over [0, max]. */
export function niceStep(max: number, count: number): number {
  if (!(max > 0)) return 1;
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const norm = raw / mag;
  return (norm <= 1 ? 1 : norm <= 2 ? 2 : norm <= 5 ? 5 : 10) * mag;
}

function fmt(v: number): string {
  if (v === 0) return '0';
  if (Math.abs(v) >= 1000) return `${Math.round(v / 100) / 10}k`;
  return String(Math.round(v * 100) / 100);
}

/** Renders one chart as an `<svg>` element string. */
export function lineChart(spec: ChartSpec): string {
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const xMax = Math.max(spec.xMaxS, ...spec.series.flatMap((s) => s.points.map((p) => p[0])), 1);
  const yData = Math.max(0, ...spec.series.flatMap((s) => s.points.map((p) => p[1])));
  const yStep = niceStep(yData, 4);
  const yMax = Math.max(yStep * Math.ceil(yData / yStep), yStep);
  const x = (v: number): number => PAD.left + (v / xMax) * plotW;
  const y = (v: number): number => PAD.top + plotH - (v / yMax) * plotH;
  const r = (v: number): string => v.toFixed(1);

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="${esc(spec.id)}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(spec.title)}" data-xmax="${xMax}" data-ymax="${yMax}">`,
    `<text class="title" x="${PAD.left}" y="18">${esc(spec.title)} (${esc(spec.unit)})</text>`,
  ];
  for (let v = 0; v <= yMax + yStep / 2; v += yStep) {
    parts.push(`<line class="grid" x1="${PAD.left}" x2="${W - PAD.right}" y1="${r(y(v))}" y2="${r(y(v))}"/>`);
    parts.push(`<text class="tick" x="${PAD.left - 6}" y="${r(y(v) + 4)}" text-anchor="end">${fmt(v)}</text>`);
  }
  const xStep = niceStep(xMax, 8);
  for (let v = 0; v <= xMax + 1e-9; v += xStep) {
    parts.push(`<text class="tick" x="${r(x(v))}" y="${H - 10}" text-anchor="middle">${fmt(v)}${esc(spec.xUnit ?? 's')}</text>`);
  }
  for (const p of spec.phases) {
    if (p.startS <= 0 || p.startS >= xMax) continue;
    parts.push(`<line class="phase" x1="${r(x(p.startS))}" x2="${r(x(p.startS))}" y1="${PAD.top}" y2="${PAD.top + plotH}"><title>${esc(p.name)}</title></line>`);
    parts.push(`<text class="phase-label" x="${r(x(p.startS) + 3)}" y="${PAD.top + 10}">${esc(p.name)}</text>`);
  }
  parts.push(`<line class="axis" x1="${PAD.left}" x2="${W - PAD.right}" y1="${PAD.top + plotH}" y2="${PAD.top + plotH}"/>`);
  const legendWidth = (label: string): number => 22 + label.length * 7;
  let legendX = W - PAD.right - spec.series.reduce((n, s) => n + legendWidth(s.label), 0);
  spec.series.forEach((s, i) => {
    const d = s.points.map((p, j) => `${j === 0 ? 'M' : 'L'}${r(x(p[0]))},${r(y(p[1]))}`).join('');
    parts.push(`<path class="series" data-series="${i}" data-points="${s.points.length}" d="${d}" stroke="${s.color}" fill="none"><title>${esc(s.label)}</title></path>`);
    if (s.points.length < 80) {
      for (const p of s.points) parts.push(`<circle class="dot" cx="${r(x(p[0]))}" cy="${r(y(p[1]))}" r="2.5" fill="${s.color}"/>`);
    }
    parts.push(`<rect x="${r(legendX)}" y="9" width="10" height="10" fill="${s.color}"/><text class="legend" x="${r(legendX + 13)}" y="18">${esc(s.label)}</text>`);
    legendX += legendWidth(s.label);
  });
  parts.push(`<line class="cursor" x1="0" x2="0" y1="${PAD.top}" y2="${PAD.top + plotH}" visibility="hidden"/>`);
  parts.push('</svg>');
  return parts.join('');
}

/** The plot geometry, for the page script's hover cursor (viewBox units). */
export const CHART_GEOMETRY = { width: W, height: H, ...PAD };
