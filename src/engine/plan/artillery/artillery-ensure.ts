/**
 * Artillery's `ensure` plugin (`config.ensure` or `config.plugins.ensure`)
 * as agentload thresholds in `config.expect`:
 *
 *   p95: 200 · p99 · max · min · median          → p95: "<200ms" (Artillery checks http.response_time.<agg> < value)
 *   maxErrorRate: 1                              → maxErrorRate: "1%"
 *   thresholds: [{http.response_time.p99: 100}]  → p99: "<100ms"
 *   conditions: [{expression: "http.response_time.p95 < 200 and http.request_rate > 10"}]
 *                                                → p95: "<200ms", minRps: ">10"
 *
 * Anything else (other metrics, `or`, optional checks) is reported as not
 * supported, never dropped.
 */

const AGGREGATIONS: Record<string, string> = { min: 'min', max: 'max', median: 'p50', p50: 'p50', p75: 'p75', p90: 'p90', p95: 'p95', p99: 'p99', p999: 'p999', mean: 'mean' };
const LEGACY = ['min', 'max', 'median', 'p95', 'p99'];

/** A problem found while translating: the message and the key path under the ensure map. */
export interface EnsureProblem {
  readonly message: string;
  readonly path: Array<string | number>;
}

/** Translates one `ensure` map; thresholds go into `expect`, problems into the return value. */
export function translateEnsure(ensure: Record<string, unknown>, expect: Record<string, unknown>): EnsureProblem[] {
  const problems: EnsureProblem[] = [];
  for (const [key, value] of Object.entries(ensure)) {
    if (LEGACY.includes(key)) expect[AGGREGATIONS[key]!] = `<${Number(value)}ms`;
    else if (key === 'maxErrorRate') expect.maxErrorRate = `${Number(value)}%`;
    else if (key === 'thresholds' && Array.isArray(value)) {
      value.forEach((t, i) => {
        const [metric, limit] = Object.entries((t ?? {}) as Record<string, unknown>)[0] ?? [];
        const problem = metric === undefined ? 'an empty threshold' : addCheck(expect, metric, '<', Number(limit));
        if (problem !== null) problems.push({ message: problem, path: [key, i] });
      });
    } else if (key === 'conditions' && Array.isArray(value)) {
      value.forEach((c, i) => {
        const cond = (c ?? {}) as Record<string, unknown>;
        if (cond.strict === false) {
          problems.push({ message: 'optional conditions (strict: false) are not supported yet; drop `strict: false` to make it a threshold, or remove the condition', path: [key, i, 'strict'] });
          return;
        }
        const expression = cond.expression ?? '';
        if (typeof expression !== 'string') {
          problems.push({ message: `a condition's expression is text like "p95 < 200", got ${JSON.stringify(expression)}`, path: [key, i, 'expression'] });
          return;
        }
        for (const part of expression.split(/\s+and\s+/)) {
          const m = /^\s*([A-Za-z0-9_.]+)\s*(<=|>=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/.exec(part);
          const problem = m === null ? `condition "${part.trim()}" is not supported: write "<metric> <|<=|>|>= <number>" joined by "and"` : addCheck(expect, m[1]!, m[2]!, Number(m[3]));
          if (problem !== null) problems.push({ message: problem, path: [key, i, 'expression'] });
        }
      });
    } else {
      problems.push({ message: `ensure.${key} is not supported; use p95/p99/max/min/median, maxErrorRate, thresholds or conditions`, path: [key] });
    }
  }
  return problems;
}

/** One `metric op limit` check into `expect`; an error message when the metric has no agentload threshold. */
function addCheck(expect: Record<string, unknown>, metric: string, op: string, limit: number): string | null {
  if (!Number.isFinite(limit)) return `threshold of ${metric} is not a number`;
  const rt = /^http\.response_time\.([a-z0-9]+)$/.exec(metric);
  if (rt !== null && Object.hasOwn(AGGREGATIONS, rt[1]!) && (op === '<' || op === '<=')) {
    expect[AGGREGATIONS[rt[1]!]!] = `${op}${limit}ms`;
    return null;
  }
  if (metric === 'http.request_rate' && (op === '>' || op === '>=')) {
    expect.minRps = `${op}${limit}`;
    return null;
  }
  if (metric === 'http.request_rate') {
    expect.maxRps = `${op}${limit}`;
    return null;
  }
  if (/^vusers\.failed$|^errors\./.test(metric) && (op === '<' || op === '<=')) {
    expect.maxErrors = op === '<' ? Math.max(0, Math.ceil(limit) - 1) : Math.floor(limit);
    return null;
  }
  return `ensure check on "${metric} ${op} ${limit}" is not supported; supported: http.response_time.<p50|median|p75|p90|p95|p99|p999|max|min|mean> < N, http.request_rate > N, vusers.failed < N`;
}
