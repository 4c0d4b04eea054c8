/**
 * Artillery's `ensure` plugin (`config.ensure` or `config.plugins.ensure`)
 * as agentload thresholds in `config.expect`:
 *
 *   p95: 200 · p99 · max · min · median          → p95: "<200ms" (Artillery checks http.response_time.<agg> < value)
 *   maxErrorRate: 1                              → maxErrorRate: "1%"
 *   thresholds: [{http.response_time.p99: 100}]  → p99: "<100ms"
 *   conditions: [{expression: "http.response_time.p95 < 200 and http.request_rate > 10"}]
 *                                                → p95: "<200ms", minRps: ">10"
 *   conditions: [{expression: "vusers.failed == 0"}]  → counters: {vusers_failed: "==0"} (also created, completed)
 *   conditions: [{expression: "plugins.expect.failed == 0"}] → outcomes: {expect_status: 0, …} (the plugin's failures)
 *   conditions: [{expression: "http.codes.500 < 20"}]   → statuses: {500: "<20"}
 *
 * Anything else (other metrics, `or`, optional checks) is reported as not
 * supported, never dropped.
 */

const AGGREGATIONS: Record<string, string> = { min: 'min', max: 'max', median: 'p50', p50: 'p50', p75: 'p75', p90: 'p90', p95: 'p95', p99: 'p99', p999: 'p999', mean: 'mean' };
const LEGACY = ['min', 'max', 'median', 'p95', 'p99'];
/** Artillery's user counters and agentload's names for them. */
const VUSER_COUNTERS: Record<string, string> = { 'vusers.failed': 'vusers_failed', 'vusers.created': 'vusers_created', 'vusers.completed': 'vusers_completed' };
/** The outcomes a failed expect-plugin check is counted under (artillery-expect.ts, response-checks.ts). */
const EXPECT_OUTCOMES = ['expect_status', 'expect_content_type', 'expect_json', 'expect_header', 'expect_body', 'expect_equals', 'expect_cdn', 'expect_jmespath'];

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
          const m = /^\s*([A-Za-z0-9_.]+)\s*(<=|>=|==|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/.exec(part);
          const problem = m === null ? `condition "${part.trim()}" is not supported: write "<metric> <|<=|==|>|>= <number>" joined by "and"` : addCheck(expect, m[1]!, m[2]!, Number(m[3]));
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
  if (Object.hasOwn(VUSER_COUNTERS, metric)) {
    // Users, as Artillery counts them (a user whose scenario failed, not a failed request).
    const counters = isRecord(expect.counters) ? expect.counters : {};
    counters[VUSER_COUNTERS[metric]!] = `${op}${limit}`;
    expect.counters = counters;
    return null;
  }
  const code = /^http\.codes\.([1-5]\d\d)$/.exec(metric);
  if (code !== null) {
    const statuses = isRecord(expect.statuses) ? expect.statuses : {};
    statuses[code[1]!] = `${op}${limit}`;
    expect.statuses = statuses;
    return null;
  }
  if (metric === 'plugins.expect.failed' && ((op === '==' && limit === 0) || (op === '<' && limit <= 1 && limit > 0) || (op === '<=' && limit >= 0 && limit < 1))) {
    // No failed check at all: each outcome a failed check is counted under stays at 0.
    const outcomes = isRecord(expect.outcomes) ? expect.outcomes : {};
    for (const o of EXPECT_OUTCOMES) outcomes[o] = 0;
    expect.outcomes = outcomes;
    return null;
  }
  if (op === '==') return `ensure check on "${metric} == ${limit}" is not supported; == is read for vusers.failed, vusers.created, vusers.completed, http.codes.<status> and plugins.expect.failed == 0`;
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
  if (/^errors\./.test(metric) && (op === '<' || op === '<=')) {
    expect.maxErrors = op === '<' ? Math.max(0, Math.ceil(limit) - 1) : Math.floor(limit);
    return null;
  }
  return `ensure check on "${metric} ${op} ${limit}" is not supported; supported: http.response_time.<p50|median|p75|p90|p95|p99|p999|max|min|mean> < N, http.request_rate > N, vusers.<failed|created|completed> <op> N, http.codes.<status> <op> N, errors.<code> < N, plugins.expect.failed == 0`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
