/**
 * A bar chart as an inline SVG string (the latency histogram), drawn at
 * report time like svg-chart.ts's line charts and styled by the same CSS.
 * Pure; every text is escaped here.
 */
import { niceStep } from './svg-chart.ts';

/** One bar: its label (shown under some bars and in the tooltip) and height. */
export interface Bar {
  readonly label: string;
  readonly value: number;
}

const W = 760;
const H = 260;
const PAD = { left: 56, right: 16, top: 34, bottom: 40 };

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Renders `bars` left to right; `unit` labels the y axis in the title. */
export function barChart(id: string, title: string, unit: string, bars: readonly Bar[], color = '#2563eb'): string {
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const yData = Math.max(0, ...bars.map((b) => b.value));
  const yStep = niceStep(yData, 4);
  const yMax = Math.max(yStep * Math.ceil(yData / yStep), yStep);
  const y = (v: number): number => PAD.top + plotH - (v / yMax) * plotH;
  const bw = bars.length === 0 ? 0 : plotW / bars.length;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart bars" id="${esc(id)}" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${esc(title)}">`,
    `<text class="title" x="${PAD.left}" y="18">${esc(title)} (${esc(unit)})</text>`,
  ];
  for (let v = 0; v <= yMax + yStep / 2; v += yStep) {
    parts.push(`<line class="grid" x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}"/>`);
    parts.push(`<text class="tick" x="${PAD.left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end">${Math.round(v * 100) / 100}</text>`);
  }
  const labelEvery = Math.max(1, Math.ceil(bars.length / 8));
  bars.forEach((b, i) => {
    const x = PAD.left + i * bw;
    parts.push(`<rect class="bar" x="${(x + 1).toFixed(1)}" y="${y(b.value).toFixed(1)}" width="${Math.max(bw - 2, 1).toFixed(1)}" height="${(PAD.top + plotH - y(b.value)).toFixed(1)}" fill="${color}"><title>${esc(b.label)}: ${Math.round(b.value * 100) / 100} ${esc(unit)}</title></rect>`);
    if (i % labelEvery === 0) parts.push(`<text class="tick" x="${(x + bw / 2).toFixed(1)}" y="${H - 22}" text-anchor="middle">${esc(b.label)}</text>`);
  });
  parts.push(`<line class="axis" x1="${PAD.left}" x2="${W - PAD.right}" y1="${PAD.top + plotH}" y2="${PAD.top + plotH}"/>`);
  parts.push(`<text class="tick" x="${PAD.left + plotW / 2}" y="${H - 6}" text-anchor="middle">latency, ms (bucket start)</text>`);
  parts.push('</svg>');
  return parts.join('');
}
