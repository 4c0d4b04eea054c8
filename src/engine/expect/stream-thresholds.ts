/**
 * Thresholds over stream metrics (issue 21), compiled to ordinary thresholds
 * and kept out of compile-expectations.ts so that file stays the core grammar.
 * At the top level they cover every stream step; under `byName.<step>` they
 * cover that step's streams only (its metrics carry the tag `request=<step>`).
 *
 *   ttft: { p95: 800ms }      or  ttft.p95: 800ms     time to first token
 *   ttfb.p99: 300ms · itl.p99: 250ms · tpot.p50: 40ms  same grammar (ms, "at most")
 *   tokens.min: 50                                   tokens per stream ("at least")
 *   tokensPerSec.p50: ">= 20"                        tokens/s per stream ("at least")
 *   goodput: ">= 20/s"                               streams per second that met every SLO of their step
 *   tokenRate: ">= 500/s"                            tokens per second over all streams (top level only)
 */
import {
  STREAM_GOODPUT, STREAM_ITL, STREAM_TOKENS, STREAM_TOKENS_PER_SEC, STREAM_TOKENS_TOTAL, STREAM_TPOT, STREAM_TTFB, STREAM_TTFT,
} from '../metrics/names.ts';
import type { Comparator, CompiledExpectation, ValueUnit } from './expectation-types.ts';

type Fail = (yamlPath: string, message: string) => never;
/** Builds one threshold (compile-expectations.ts `one`) for `metric` read from `scope` (a metric name) or a counter. */
export type MakeStreamThreshold = (
  label: string, scope: string | null, metric: string, defaultCmp: Comparator, unit: ValueUnit, raw: unknown, yamlPath: string,
) => CompiledExpectation;

const DISTRIBUTIONS: Record<string, { name: string; comparator: Comparator; unit: ValueUnit }> = {
  ttfb: { name: STREAM_TTFB, comparator: '<=', unit: 'ms' },
  ttft: { name: STREAM_TTFT, comparator: '<=', unit: 'ms' },
  itl: { name: STREAM_ITL, comparator: '<=', unit: 'ms' },
  tpot: { name: STREAM_TPOT, comparator: '<=', unit: 'ms' },
  tokens: { name: STREAM_TOKENS, comparator: '>=', unit: 'count' },
  tokensPerSec: { name: STREAM_TOKENS_PER_SEC, comparator: '>=', unit: 'count' },
};
const STATS = new Set(['min', 'mean', 'p50', 'p75', 'p90', 'p95', 'p99', 'p999', 'max']);
const KNOWN = [...Object.keys(DISTRIBUTIONS), 'goodput', 'tokenRate'];

function headOf(key: string): string {
  const dot = key.indexOf('.');
  return dot === -1 ? key : key.slice(0, dot);
}

/** True for the keys this module compiles (`ttft`, `ttft.p95`, `goodput`, …). */
export function isStreamThresholdKey(key: string): boolean {
  const head = headOf(key);
  return Object.hasOwn(DISTRIBUTIONS, head) || key === 'goodput' || key === 'tokenRate';
}

/** `"20/s"` → `"20"`, keeping a leading comparator. */
function perSecond(raw: unknown): unknown {
  return typeof raw === 'string' ? raw.replace(/\s*\/\s*s\s*$/, '') : raw;
}

/**
 * Compiles one key at `yamlPath`; `request` is the byName scope (null at the top level).
 * Throws through `fail` on an unknown statistic or a `tokenRate` under byName.
 */
export function compileStreamThresholds(
  key: string, raw: unknown, yamlPath: string, request: string | null, make: MakeStreamThreshold, fail: Fail,
): CompiledExpectation[] {
  const prefix = request === null ? '' : `${request}: `;
  const tag = request === null ? undefined : (['request', request] as const);
  const scoped = (e: CompiledExpectation): CompiledExpectation => (tag === undefined ? e : { ...e, tagScope: tag });
  if (key === 'goodput') return [scoped(make(`${prefix}goodput`, STREAM_GOODPUT, 'rps', '>=', 'rps', perSecond(raw), yamlPath))];
  if (key === 'tokenRate') {
    if (request !== null) fail(yamlPath, '"tokenRate" counts every stream of the run; put it directly under expect');
    return [make('tokenRate', null, `counterRate:${STREAM_TOKENS_TOTAL}`, '>=', 'rps', perSecond(raw), yamlPath)];
  }
  const head = headOf(key);
  const spec = DISTRIBUTIONS[head]!;
  // `ttft.p95: 800ms` is `ttft: { p95: 800ms }` written flat.
  const entries = key === head ? raw : { [key.slice(head.length + 1)]: raw };
  const base = key === head ? yamlPath : yamlPath.slice(0, yamlPath.length - (key.length - head.length));
  if (entries === null || typeof entries !== 'object' || Array.isArray(entries)) {
    fail(yamlPath, `expected thresholds for ${head} like { p95: 800ms }, got ${JSON.stringify(raw)}`);
  }
  return Object.entries(entries as Record<string, unknown>).map(([stat, v]) => {
    const p = `${base}.${stat}`;
    if (!STATS.has(stat)) fail(p, `unknown statistic "${stat}" of ${head}; expected one of ${[...STATS].join(', ')}`);
    return scoped(make(`${prefix}${head}.${stat}`, spec.name, stat, spec.comparator, spec.unit, v, p));
  });
}

/** The keys, for "expected one of" messages. */
export const STREAM_THRESHOLD_KEYS: readonly string[] = KNOWN;
