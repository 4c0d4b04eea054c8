/**
 * Applies compiled thresholds to a run summary. Pure: same input, same
 * PASS/FAIL lines. A threshold evaluated on zero samples FAILs ("no
 * samples"), it never passes silently: a name that never ran, a scope whose
 * requests all ended without a response for a latency threshold (every ws
 * upgrade refused), a rate or error bound over zero requests.
 */
import type { ExpectationResult, NameSummary, RunSummary } from '../contracts.ts';
import type { CompiledExpectation, ValueUnit } from './expectation-types.ts';
import { phaseSummary } from './phase-scope.ts';
import type { SeriesContext } from './series-types.ts';
import { wsStability } from './ws-thresholds.ts';
import { WS_STABILITY } from '../metrics/names.ts';
import { evaluateCondition } from './ensure-condition.ts';

/** `record[key]`, own properties only (a name like `constructor` must not read Object.prototype's); 0 when absent. */
function ownNumber(record: Readonly<Record<string, number>>, key: string): number {
  return Object.hasOwn(record, key) ? record[key]! : 0;
}

function sumStatuses(s: NameSummary, cls: number): number {
  let n = 0;
  for (const [code, count] of Object.entries(s.statuses)) if (Math.floor(Number(code) / 100) === cls) n += count;
  return n;
}

/** The summaries a threshold reads: one name (all its tag sets), the names carrying a tag, or overall. */
function scopeSummaries(summary: RunSummary, e: CompiledExpectation): NameSummary[] {
  const tag = e.tagScope;
  // A scope and a tag together: one metric of one request name (stream-thresholds.ts: `stream_ttft` with request=chat).
  if (tag !== undefined) return summary.byName.filter((n) => n.tags[tag[0]] === tag[1] && n.count > 0 && (e.scope === null || n.name === e.scope));
  return e.scope === null ? [summary.overall] : summary.byName.filter((n) => n.name === e.scope);
}

function read(e: CompiledExpectation, summary: RunSummary): number | null {
  if (e.metric.startsWith('counter:')) return ownNumber(summary.counters, e.metric.slice(8));
  if (e.metric.startsWith('peak:')) return ownNumber(summary.gaugePeaks, e.metric.slice(5));
  if (e.metric === WS_STABILITY) return wsStability(summary.counters);
  // A counter per second of the run (stream-thresholds.ts `tokenRate`); no samples when the counter never moved.
  if (e.metric.startsWith('counterRate:')) {
    const n = ownNumber(summary.counters, e.metric.slice(12));
    return n === 0 || summary.durationMs <= 0 ? null : n / (summary.durationMs / 1000);
  }
  const scoped = scopeSummaries(summary, e);
  if (scoped.length === 0) return null;
  // Zero requests measured nothing: a rate, a latency or a bound on faults would pass vacuously, so every
  // threshold but a count FAILs "no samples". `minCount` reads the 0 (its FAIL then shows the count).
  if (e.metric !== 'count' && scoped.every((x) => x.count === 0)) return null;
  if (e.metric === 'rateLimited') return scoped.reduce((n, x) => n + rateLimitedCount(x), 0);
  if (e.metric.startsWith('statusNotIn:')) return scoped.reduce((n, x) => n + statusNotIn(x, e.metric.slice(12)), 0);
  if (e.metric.startsWith('status:')) return scoped.reduce((n, x) => n + ownNumber(x.statuses, e.metric.slice(7)), 0);
  if (e.metric.startsWith('outcome:')) {
    const name = e.metric.slice(8);
    return scoped.reduce((n, x) => n + (Object.hasOwn(x.outcomes.expected, name) ? ownNumber(x.outcomes.expected, name) : ownNumber(x.outcomes.failed, name)), 0);
  }
  switch (e.metric) {
    case 'errorRate': return scoped.reduce((n, x) => n + x.errors, 0) / scoped.reduce((n, x) => n + x.count, 0);
    case 'rps': return scoped.reduce((n, x) => n + x.rps, 0);
    case 'count': return scoped.reduce((n, x) => n + x.count, 0);
    case 'errors': return scoped.reduce((n, x) => n + x.errors, 0);
    case 'status5xx': return scoped.reduce((n, x) => n + sumStatuses(x, 5), 0);
    case 'status4xx': return scoped.reduce((n, x) => n + sumStatuses(x, 4), 0);
    default: {
      // Latency of a tagged name: the worst of its tag sets is the honest figure.
      // No latency sample at all (every request refused before a response): max is 0 only then, since
      // any recorded value is ≥ 1 µs. A latency threshold must not PASS on requests that never got an answer.
      if (scoped.every((x) => x.latencyMs.max === 0)) return null;
      return Math.max(...scoped.map((x) => (x.latencyMs as unknown as Record<string, number>)[e.metric] ?? 0));
    }
  }
}

/** Limited requests: the `rate_limited` outcome or HTTP 429, whichever saw more (a 429 is usually both). */
function rateLimitedCount(s: NameSummary): number {
  return Math.max(s.outcomes.expected['rate_limited'] ?? s.outcomes.failed['rate_limited'] ?? 0, s.statuses['429'] ?? 0);
}

/** Responses whose status is not in the comma-separated `list`; requests with no status (network errors) count too. */
function statusNotIn(s: NameSummary, list: string): number {
  const allowed = new Set(list.split(','));
  let inside = 0;
  for (const [code, n] of Object.entries(s.statuses)) if (allowed.has(code)) inside += n;
  return s.count - inside;
}

/** Formats a value in its unit for PASS/FAIL lines, to `extra` more decimals than usual. */
export function formatValue(v: number, unit: ValueUnit, extra = 0): string {
  const round = (x: number, decimals: number): number => {
    const f = 10 ** (decimals + extra);
    return Math.round(x * f) / f;
  };
  switch (unit) {
    case 'ms': return `${round(v, 3)}ms`;
    case 'ratio': return `${round(v * 100, 4)}%`;
    case 'rps': return `${round(v, 1)}/s`;
    default: return String(v);
  }
}

/** Decimals beyond the usual for a limit to print as written (`minRps: 2.25` is not "2.3/s"). */
function limitExtra(limit: number, unit: ValueUnit): number {
  let extra = 0;
  while (extra < 6 && formatValue(limit, unit, extra) !== formatValue(limit, unit, 6)) extra++;
  return extra;
}

/**
 * The measured value as a PASS/FAIL line shows it beside its limit: with
 * enough decimals that a value just under the limit does not print as the
 * limit itself ("FAIL 2/s, limit >= 2/s" for 1.98 requests a second).
 */
function formatMeasured(v: number, limit: number, unit: ValueUnit, shownLimit: string): string {
  let extra = 0;
  while (extra < 6 && v !== limit && formatValue(v, unit, extra) === shownLimit) extra++;
  return formatValue(v, unit, extra);
}

function holds(v: number, e: CompiledExpectation): boolean {
  switch (e.comparator) {
    case '<': return v < e.limit;
    case '<=': return v <= e.limit;
    case '>': return v > e.limit;
    case '>=': return v >= e.limit;
    default: return v === e.limit;
  }
}

/**
 * PASS/FAIL per threshold, in plan order. Phase-scoped thresholds read the
 * summary of their phases' intervals from `series` (phase-scope.ts); without
 * a series they FAIL ("no interval series"), never pass unchecked.
 */
export function evaluateExpectations(expectations: readonly CompiledExpectation[], summary: RunSummary, series?: SeriesContext): ExpectationResult[] {
  return expectations.map((e) => {
    const shownLimit = formatValue(e.limit, e.unit, limitExtra(e.limit, e.unit));
    const limit = `${e.comparator} ${shownLimit}`;
    const scoped = e.phases === undefined ? summary : series === undefined ? null : phaseSummary(series, e.phases);
    if (scoped === null) return { name: e.label, isPass: false, measured: 'n/a', limit, reason: series === undefined ? 'no interval series' : `no intervals in phase ${e.phases!.join(', ')}` };
    if (e.ensure !== undefined) return evaluateCondition(e, scoped);
    const v = read(e, scoped);
    if (v === null) return { name: e.label, isPass: false, measured: 'n/a', limit, reason: 'no samples' };
    return { name: e.label, isPass: holds(v, e), measured: formatMeasured(v, e.limit, e.unit, shownLimit), limit };
  });
}
