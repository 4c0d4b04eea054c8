/**
 * Plain-text formatting shared by the console reporter and `report`:
 * the per-name summary table and the PASS/FAIL lines.
 */
import type { ExpectationResult, NameSummary, RunResult } from '../engine/contracts.ts';
import { customCountersLine, processorFailureLine } from './processor-lines.ts';

function ms(v: number): string {
  return v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2);
}

function outcomesText(s: NameSummary): string {
  const parts = [
    ...Object.entries(s.outcomes.expected).map(([k, v]) => `${k} ${v}`),
    ...Object.entries(s.outcomes.failed).map(([k, v]) => `${k} ${v}`),
  ];
  return parts.join(', ');
}

/** Left-aligned first column, right-aligned numbers. */
function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 || c === r.length - 1 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd());
}

/**
 * How every report spells a request name: `name`, or `name [k=v,…]` when it
 * has tags. The same string keys tables, CSV rows, Prometheus labels and
 * `compare`, so a name can be followed across all of them.
 */
export function nameLabel(s: Pick<NameSummary, 'name' | 'tags'>): string {
  const tags = Object.entries(s.tags).map(([k, v]) => `${k}=${v}`).join(',');
  return tags ? `${s.name} [${tags}]` : s.name;
}

/** The summary table: per name count, rps, p50/p90/p95/p99/max (ms), errors, outcomes. */
export function summaryTable(byName: readonly NameSummary[], overall: NameSummary): string[] {
  const header = ['name', 'count', 'rps', 'p50', 'p90', 'p95', 'p99', 'max', 'errors', 'outcomes'];
  const row = (label: string, s: NameSummary): string[] => [
    label, String(s.count), s.rps.toFixed(1), ms(s.latencyMs.p50), ms(s.latencyMs.p90), ms(s.latencyMs.p95),
    ms(s.latencyMs.p99), ms(s.latencyMs.max), s.errors === 0 ? '0' : `${s.errors} (${(s.errorRate * 100).toFixed(2)}%)`,
    outcomesText(s),
  ];
  const rows = [header, ...byName.filter((s) => s.count > 0).map((s) => row(nameLabel(s), s)), row('all requests', overall)];
  return table(rows);
}

/**
 * One line per expectation: `PASS  p95  12.3ms (limit <= 50ms)`. An aborted
 * run's numbers cover only part of the plan, so nothing is called PASS or
 * FAIL: each line says NOT JUDGED with what was measured so far.
 */
export function expectationLines(results: readonly ExpectationResult[], isAborted = false): string[] {
  const word = (r: ExpectationResult): string => (isAborted ? 'NOT JUDGED' : r.isPass ? 'PASS' : r.isOptional === true ? 'FAIL (optional)' : 'FAIL');
  return results.map((r) => `${word(r)}  ${r.name}  ${r.measured}${isAborted ? ' so far' : ''} (limit ${r.limit})${r.reason ? ` — ${r.reason}` : ''}`);
}

/** The ws connection buckets (ws-meters.ts), when the run made any connection attempt; else null. */
function wsConnectionsLine(c: Readonly<Record<string, number>>): string | null {
  const n = (k: string): number => (Object.hasOwn(c, k) ? c[k]! : 0);
  if (n('ws_connections_opened') + n('ws_connections_failed') === 0) return null;
  return `ws connections: opened ${n('ws_connections_opened')} · failed ${n('ws_connections_failed')} · completed ${n('ws_connections_completed')}` +
    ` · unexpected closes ${n('ws_unexpected_closes')} · abandoned ${n('ws_connections_abandoned')}`;
}

/**
 * Requests cut off by the end of the run, per name, on a line of their own:
 * they are neither in `count` nor errors, and a reader must not mistake them
 * for either. Null when there were none.
 */
export function abandonedLine(byName: readonly NameSummary[]): string | null {
  const parts = byName.filter((s) => (s.abandoned ?? 0) > 0).map((s) => `${nameLabel(s)} ${s.abandoned}`);
  return parts.length === 0 ? null : `abandoned (in flight when the run ended; not errors): ${parts.join(', ')}`;
}

/** The full end-of-run text: table, latency unit note, saturation, expectations. */
export function resultText(result: RunResult): string[] {
  const s = result.summary;
  const lines = [
    `agentload: ${result.isAborted ? 'ABORTED after' : 'finished in'} ${(s.durationMs / 1000).toFixed(1)}s — ${s.overall.count} requests, ${s.overall.rps.toFixed(1)}/s, ${s.overall.errors} errors${s.overall.expected ? `, ${s.overall.expected} expected outcomes` : ''} (latencies in ms, from each request's scheduled start)`,
    ...summaryTable(s.byName, s.overall),
  ];
  const c = s.counters;
  const extra = ['arrivals_dropped', 'arrivals_late', 'requests_abandoned', 'vusers_incomplete', 'http_pool_waits'].filter((k) => (c[k] ?? 0) > 0).map((k) => `${k} ${c[k]}`);
  if (extra.length) lines.push(extra.join(' · '));
  const ws = wsConnectionsLine(c);
  if (ws !== null) lines.push(ws);
  for (const line of [processorFailureLine(c), customCountersLine(c)]) if (line !== null) lines.push(line);
  const cut = abandonedLine(s.byName);
  if (cut !== null) lines.push(cut);
  if (result.saturation.message) lines.push(`WARNING ${result.saturation.message}`);
  if (result.expectations.length) lines.push('', ...expectationLines(result.expectations, result.isAborted));
  return lines;
}
