/**
 * Compiles `config.expect` into CompiledExpectation[]. Pure; an unknown key
 * or an unreadable limit throws a PlanError located at its YAML path, so a
 * typo never becomes a silent PASS.
 *
 * Grammar (every value may start with a comparator: `<`, `<=`, `>`, `>=`, `==`):
 *   p50 | p75 | p90 | p95 | p99 | p999 | max | mean: 50ms     latency ≤ limit
 *   maxErrorRate: 0.1%   (or 0.001)                          errors/requests ≤ limit
 *   minRps: 1000 · maxRps: 5000                               requests per second
 *   minCount: 10 · maxErrors: 0 · max5xx: 0 · max4xx: 0       counts
 *   outcomes: { rate_limited: "> 0", quota_exceeded: 0 }      expected-outcome counts (bare number = at most)
 *   counters: { arrivals_dropped: 0 } · peaks: { vusers_active: ">= 20" }
 *   statuses: { 500: 0, 200: ">= 1000" }                       responses with that status (bare number = at most)
 *   byName: { <request name>: { …any of the above but byName } }
 *   byTag:  { "class=light": { p95: 100ms } }                 names tagged class=light: counts summed, latency the worst
 *   ttft.p95: 800ms · itl.p99: 250ms · goodput: ">= 20/s" · tokens.min: 50       stream metrics (stream-thresholds.ts)
 *   ws: { peakConnections: ">= 10000", stability: ">= 99%", connect: { p95: 200ms } }   (or `ws.stability: …`; ws-thresholds.ts)
 *   conditions: ["http.codes.500 == 0 and http.response_time.p95 < 200"]   expressions over Artillery's metric names (ensure-condition.ts)
 */
import { parseDurationMs } from '../duration.ts';
import { PlanError } from '../errors.ts';
import type { Comparator, CompiledExpectation, ValueUnit } from './expectation-types.ts';
import { SCOPED_KEYS, SERIES_KEYS, compilePhaseScopes, compileRateLimited, compileStatusIn } from './compile-scoped.ts';
import { compileWsThresholds, isWsThresholdKey } from './ws-thresholds.ts';
import { compileStreamThresholds, isStreamThresholdKey, STREAM_THRESHOLD_KEYS } from './stream-thresholds.ts';
import { isBuiltinMetricName } from '../metrics/builtin-names.ts';
import { compileCondition } from './ensure-condition.ts';

type Locate = (yamlPath: string) => { file: string; line: number; col: number } | undefined;

const LATENCY_KEYS = new Set(['p50', 'p75', 'p90', 'p95', 'p99', 'p999', 'max', 'mean', 'min']);
const SIMPLE: Record<string, { metric: string; comparator: Comparator; unit: ValueUnit }> = {
  maxErrorRate: { metric: 'errorRate', comparator: '<=', unit: 'ratio' },
  minRps: { metric: 'rps', comparator: '>=', unit: 'rps' },
  maxRps: { metric: 'rps', comparator: '<=', unit: 'rps' },
  minCount: { metric: 'count', comparator: '>=', unit: 'count' },
  maxErrors: { metric: 'errors', comparator: '<=', unit: 'count' },
  max5xx: { metric: 'status5xx', comparator: '<=', unit: 'count' },
  max4xx: { metric: 'status4xx', comparator: '<=', unit: 'count' },
};
const MAPS: Record<string, { prefix: string; unit: ValueUnit; isMetricMap: boolean }> = {
  // Outcome names are the plan's own and the open failure vocabulary: not checked here.
  outcomes: { prefix: 'outcome:', unit: 'count', isMetricMap: false },
  counters: { prefix: 'counter:', unit: 'count', isMetricMap: true },
  peaks: { prefix: 'peak:', unit: 'count', isMetricMap: true },
  statuses: { prefix: 'status:', unit: 'count', isMetricMap: false },
};

/**
 * The grammar's tables are plain objects, so a lookup must read own
 * properties only: `SIMPLE['toString']` would find Object.prototype's
 * function and a key like `toString`, `constructor` or `__proto__` would be
 * silently dropped instead of rejected.
 */
function own<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

const COMPARATOR = /^\s*(<=|>=|==|<|>)?\s*(.+?)\s*$/;

/** Splits `">= 10%"` into comparator and the rest. */
function splitComparator(v: unknown): { comparator: Comparator | null; rest: unknown } {
  if (typeof v !== 'string') return { comparator: null, rest: v };
  const m = COMPARATOR.exec(v);
  return m ? { comparator: (m[1] as Comparator | undefined) ?? null, rest: m[2] } : { comparator: null, rest: v };
}

/** `0.1%` → 0.001; `0.001` → 0.001. */
export function parseRatio(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return null;
  const s = v.trim();
  const n = Number(s.endsWith('%') ? s.slice(0, -1) : s);
  if (!Number.isFinite(n) || s === '') return null;
  return s.endsWith('%') ? n / 100 : n;
}

function parseLimit(unit: ValueUnit, v: unknown): number | null {
  if (unit === 'ms') return parseDurationMs(typeof v === 'string' && /^\d+(\.\d+)?$/.test(v) ? `${v}ms` : (typeof v === 'number' ? `${v}ms` : (v as string)));
  if (unit === 'ratio') return parseRatio(v);
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

/**
 * Compiles the whole `config.expect` block (may be undefined); `basePath` locates a nested block (compile-scoped.ts).
 * `allowsCustomCounters`: the plan has a processor, whose functions emit counters of any name
 * (docs/artillery-processor.md), so `counters` may name them; otherwise only agentload's own.
 */
export function compileExpectations(expect: unknown, locate: Locate, basePath = 'config.expect', allowsCustomCounters = false): CompiledExpectation[] {
  if (expect === undefined || expect === null) return [];
  const out: CompiledExpectation[] = [];
  compileBlock(expect as Record<string, unknown>, null, basePath, locate, out, undefined, allowsCustomCounters);
  return out;
}

const TAG_SCOPE = /^\s*([^=\s]+)\s*=\s*(.+?)\s*$/;

function compileBlock(
  block: Record<string, unknown>, scope: string | null, path: string, locate: Locate, out: CompiledExpectation[],
  tagScope?: readonly [string, string], allowsCustomCounters = false,
): void {
  const fail = (p: string, msg: string): never => {
    throw new PlanError('AGENTLOAD_E_PLAN_EXPECT', msg, { location: locate(p), yamlPath: p });
  };
  const first = out.length;
  const prefix = tagScope !== undefined ? `${tagScope[0]}=${tagScope[1]}: ` : scope === null ? '' : `${scope}: `;
  for (const [key, raw] of Object.entries(block)) {
    const p = `${path}.${key}`;
    const isTop = scope === null && tagScope === undefined;
    if (isTop && SERIES_KEYS.has(key)) continue;
    // Keys are per gateway, not per request name or tag: only the top level makes sense.
    if (key === 'rateLimit') fail(p, '"rateLimit" applies to the whole plan; put it directly under expect (rateLimitKey picks the key)');
    if (isTop && key === 'phases') {
      out.push(...compilePhaseScopes(raw, p, (sub, sp) => compileExpectations(sub, locate, sp, allowsCustomCounters), fail));
      continue;
    }
    if (isTop && isWsThresholdKey(key)) {
      const scoped = (sub: Record<string, unknown>, name: string, sp: string): CompiledExpectation[] => {
        const o: CompiledExpectation[] = [];
        compileBlock(sub, name, sp, locate, o, undefined, allowsCustomCounters);
        return o;
      };
      out.push(...compileWsThresholds(key, raw, p, (l, m, c, u, r, rp) => one(l, null, m, c, u, r, rp, fail), scoped, fail));
      continue;
    }
    if (isTop && key === 'conditions') {
      if (!Array.isArray(raw)) fail(p, `expected a list of expressions like "http.codes.500 == 0", got ${JSON.stringify(raw)}`);
      (raw as unknown[]).forEach((item, i) => out.push(compileCondition(item, `${p}[${i}]`, fail)));
      continue;
    }
    if (key === 'rateLimited') {
      out.push(...compileRateLimited(`${prefix}rateLimited`, scope, raw, p, fail));
      continue;
    }
    if (key === 'statusIn') {
      out.push(compileStatusIn(`${prefix}statusIn`, scope, raw, p, fail));
      continue;
    }
    if (key === 'byName' && scope === null) {
      for (const [name, sub] of Object.entries((raw ?? {}) as Record<string, unknown>)) {
        if (sub === null || typeof sub !== 'object') fail(`${p}.${name}`, `expected thresholds for "${name}", got ${JSON.stringify(sub)}`);
        compileBlock(sub as Record<string, unknown>, name, `${p}.${name}`, locate, out, undefined, allowsCustomCounters);
      }
      continue;
    }
    if (key === 'byTag' && scope === null && tagScope === undefined) {
      for (const [sel, sub] of Object.entries((raw ?? {}) as Record<string, unknown>)) {
        const m = TAG_SCOPE.exec(sel);
        if (m === null) fail(`${p}.${sel}`, `expected a tag selector like "class=light", got ${JSON.stringify(sel)}`);
        if (sub === null || typeof sub !== 'object') fail(`${p}.${sel}`, `expected thresholds for "${sel}", got ${JSON.stringify(sub)}`);
        compileBlock(sub as Record<string, unknown>, null, `${p}.${sel}`, locate, out, [m![1]!, m![2]!], allowsCustomCounters);
      }
      continue;
    }
    const mapSpec = own(MAPS, key);
    if (mapSpec !== undefined) {
      if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail(p, `expected a map of name → limit, got ${JSON.stringify(raw)}`);
      for (const [name, v] of Object.entries(raw as Record<string, unknown>)) {
        if (key === 'statuses' && !/^[1-5]\d\d$/.test(name)) fail(`${p}.${name}`, `expected an HTTP status code like 500 as the key, got ${JSON.stringify(name)}`);
        const isCustom = allowsCustomCounters && key === 'counters';
        if (mapSpec.isMetricMap && !isCustom && !isBuiltinMetricName(name)) fail(`${p}.${name}`, `"${name}" is not a metric agentload records; see docs/metrics.md for the ${key === 'peaks' ? 'gauges' : 'counters'}`);
        out.push(one(`${prefix}${key === 'statuses' ? 'status' : key.replace(/s$/, '')} ${name}`, scope, mapSpec.prefix + name, '<=', mapSpec.unit, v, `${p}.${name}`, fail));
      }
      continue;
    }
    if (tagScope === undefined && isStreamThresholdKey(key)) {
      out.push(...compileStreamThresholds(key, raw, p, scope, (l, sc, m, c, u, r, rp) => one(l, sc, m, c, u, r, rp, fail), fail));
      continue;
    }
    if (LATENCY_KEYS.has(key)) {
      out.push(one(`${prefix}${key}`, scope, key, '<=', 'ms', raw, p, fail));
      continue;
    }
    const simple = own(SIMPLE, key);
    if (simple === undefined) fail(p, `unknown expectation "${key}"; expected one of ${[...LATENCY_KEYS, ...Object.keys(SIMPLE), ...Object.keys(MAPS), 'byName', 'byTag', ...SCOPED_KEYS, 'ws', ...STREAM_THRESHOLD_KEYS, 'conditions'].join(', ')}`);
    out.push(one(`${prefix}${key}`, scope, simple!.metric, simple!.comparator, simple!.unit, raw, p, fail));
  }
  if (tagScope !== undefined) for (let i = first; i < out.length; i++) out[i] = { ...out[i]!, tagScope };
}

function one(
  label: string, scope: string | null, metric: string, defaultCmp: Comparator, unit: ValueUnit,
  raw: unknown, yamlPath: string, fail: (p: string, msg: string) => never,
): CompiledExpectation {
  const { comparator, rest } = splitComparator(raw);
  const limit = parseLimit(unit, rest);
  if (limit === null || Number.isNaN(limit)) {
    const want = unit === 'ms' ? 'a duration like "50ms"' : unit === 'ratio' ? 'a ratio like "0.1%" or 0.001' : 'a number';
    fail(yamlPath, `expected ${want}, got ${JSON.stringify(raw)}`);
  }
  return { label, scope, metric, comparator: comparator ?? defaultCmp, limit, unit, yamlPath };
}
