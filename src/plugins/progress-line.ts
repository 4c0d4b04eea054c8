/**
 * The console's live progress line, built to fit the terminal: fields are
 * dropped from the least useful end until the line fits, and a bar fills
 * what is left. Pure; console-reporter.ts draws it once a second.
 *
 *   [██████░░░░░░] 12s/60s steady · 48.0 req/s · p95 3.2ms · errors 0 · users 10 · conns 10 · 576 requests
 *   └─ bar, only when every field fits and ≥ 12 columns are left ─┘ └─ kept first ─┘ …                  dropped first ─┘
 */
import type { LiveStatus } from '../engine/metrics/live-status.ts';

const SEP = ' · ';
const MIN_BAR = 12;
const MAX_BAR = 30;

function seconds(ms: number): string {
  return `${Math.floor(ms / 1000)}s`;
}

/** Latency as the reports print it (ms, 3 significant figures). */
export function msText(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

/** The fields in order of importance; each already formatted. */
export function progressFields(s: LiveStatus): string[] {
  const errors = s.errors === 0 ? 'errors 0' : `errors ${s.errors} (${((s.errors / Math.max(s.requests, 1)) * 100).toFixed(1)}%)`;
  return [
    `${seconds(s.elapsedMs)}/${seconds(s.plannedDurationMs)}`,
    s.phase ?? 'finishing',
    `${s.rps.toFixed(1)} req/s`,
    `p95 ${s.p95Ms === null ? '-' : `${msText(s.p95Ms)}ms`}`,
    errors,
    `users ${s.users}`,
    ...(s.expected > 0 ? [`expected ${s.expected}`] : []),
    ...(s.connections === null ? [] : [`conns ${s.connections}`]),
    `${s.requests} requests`,
  ];
}

/** The line for `columns` terminal columns (never longer; one column is kept free so the cursor does not wrap). */
export function progressLine(s: LiveStatus, columns: number): string {
  const width = Math.max(columns - 1, 10);
  const fields = progressFields(s);
  const count = fields.length;
  let text = fields.join(SEP);
  while (text.length > width && fields.length > 1) {
    fields.pop();
    text = fields.join(SEP);
  }
  if (text.length > width) return text.slice(0, width);
  // The bar is decoration: it only takes room no field needed.
  const room = width - text.length - 3;
  if (room < MIN_BAR || fields.length < count) return text;
  const barW = Math.min(MAX_BAR, room);
  const done = Math.round(Math.min(1, s.plannedDurationMs > 0 ? s.elapsedMs / s.plannedDurationMs : 0) * barW);
  return `[${'█'.repeat(done)}${'░'.repeat(barW - done)}] ${text}`;
}
