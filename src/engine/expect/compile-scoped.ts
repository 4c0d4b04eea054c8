/**
 * The parts of `config.expect` grammar added for issue 7 that compile to
 * ordinary thresholds (CompiledExpectation), kept out of
 * compile-expectations.ts so that file stays the core grammar:
 *
 *   phases:      { steady: { max4xx: 0 }, burst: { max5xx: 0 } }   any threshold, limited to named phases
 *   rateLimited: 1 | { min: 1, max: 100, inPhases: [burst] }          429s or `rate_limited` outcomes seen
 *   statusIn:    [400, 422]        (usually under byName)           every response's status is one of these
 *
 * The time-series keys (degradation, recovery, targetMemory, rateLimit) are
 * compiled by compile-series.ts; compileBlock skips them at the top level.
 */
import type { CompiledExpectation } from './expectation-types.ts';

/** Keys compiled by compile-series.ts, skipped by compileBlock at the top level. */
export const SERIES_KEYS: ReadonlySet<string> = new Set(['degradation', 'recovery', 'targetMemory', 'rateLimit', 'generator']);

/** Keys this module adds, for the "expected one of" list. */
export const SCOPED_KEYS: readonly string[] = ['phases', 'rateLimited', 'statusIn', ...SERIES_KEYS];

type Fail = (yamlPath: string, message: string) => never;
type Compile = (block: Record<string, unknown>, path: string) => CompiledExpectation[];

/** `phases: { <phase>: { …thresholds } }` → the thresholds, each limited to that phase. */
export function compilePhaseScopes(raw: unknown, path: string, compile: Compile, fail: Fail): CompiledExpectation[] {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail(path, `expected a map of phase name → thresholds, got ${JSON.stringify(raw)}`);
  const out: CompiledExpectation[] = [];
  for (const [phase, sub] of Object.entries(raw as Record<string, unknown>)) {
    const p = `${path}.${phase}`;
    if (sub === null || typeof sub !== 'object' || Array.isArray(sub)) fail(p, `expected thresholds for phase "${phase}", got ${JSON.stringify(sub)}`);
    for (const k of Object.keys(sub)) {
      if (k === 'phases' || SERIES_KEYS.has(k)) fail(`${p}.${k}`, `"${k}" cannot be limited to a phase; put it directly under expect`);
    }
    for (const e of compile(sub as Record<string, unknown>, p)) out.push({ ...e, label: `[${phase}] ${e.label}`, phases: [phase] });
  }
  return out;
}

function count(v: unknown, p: string, fail: Fail): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) fail(p, `expected a whole number >= 0, got ${JSON.stringify(v)}`);
  return v;
}

/** `rateLimited: N` or `{min, max, inPhases}`. */
export function compileRateLimited(label: string, scope: string | null, raw: unknown, path: string, fail: Fail): CompiledExpectation[] {
  const o = (typeof raw === 'number' ? { min: raw } : raw) as Record<string, unknown> | null;
  if (o === null || typeof o !== 'object' || Array.isArray(o)) fail(path, `expected a minimum count or {min, max, inPhases}, got ${JSON.stringify(raw)}`);
  for (const k of Object.keys(o)) if (!['min', 'max', 'inPhases'].includes(k)) fail(`${path}.${k}`, `unknown key "${k}"; expected min, max or inPhases`);
  const phases = o.inPhases === undefined ? undefined : [o.inPhases].flat();
  if (phases !== undefined && (phases.length === 0 || phases.some((x) => typeof x !== 'string'))) fail(`${path}.inPhases`, `expected a list of phase names, got ${JSON.stringify(o.inPhases)}`);
  const names = phases as string[] | undefined; // each checked a string above
  const where = names === undefined ? '' : ` in ${names.join(', ')}`;
  const out: CompiledExpectation[] = [];
  const base = { scope, metric: 'rateLimited', unit: 'count' as const, yamlPath: path, ...(names === undefined ? {} : { phases: names }) };
  if (o.min !== undefined) out.push({ ...base, label: `${label}${where}`, comparator: '>=', limit: count(o.min, `${path}.min`, fail) });
  if (o.max !== undefined) out.push({ ...base, label: `${label}${where}`, comparator: '<=', limit: count(o.max, `${path}.max`, fail) });
  if (out.length === 0) fail(path, 'expected min or max');
  return out;
}

/** `statusIn: [400, 422]`: the count of responses outside the set must be 0. */
export function compileStatusIn(label: string, scope: string | null, raw: unknown, path: string, fail: Fail): CompiledExpectation {
  const list = [raw].flat();
  if (list.length === 0 || list.some((s) => !Number.isInteger(s) || (s as number) < 100 || (s as number) > 599)) {
    fail(path, `expected a list of HTTP statuses 100-599, got ${JSON.stringify(raw)}`);
  }
  return { label: `${label} [${list.join(', ')}]`, scope, metric: `statusNotIn:${list.join(',')}`, comparator: '<=', limit: 0, unit: 'count', yamlPath: path };
}
