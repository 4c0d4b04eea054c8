/**
 * Artillery's `ensure` plugin (`config.ensure`, or `config.plugins.ensure`
 * when there is no `config.ensure`: the plugin reads one or the other) as
 * agentload's `expect.conditions`, expressions judged on Artillery's metric
 * names (src/engine/expect/ensure-condition.ts, artillery-metrics.ts):
 *
 *   thresholds: [{http.responses: 10}]        → "http.responses < 10"
 *   conditions: [{expression: "vusers.failed == 0"}] → "vusers.failed == 0"
 *   p95: 200 (also min, max, median, p99)     → "http.response_time.p95 < 200", printed "p95 < 200"
 *   maxErrorRate: 1                           → "((vusers.created - vusers.completed)/vusers.created * 100) <= 1",
 *                                               printed "maxErrorRate < 1" (users, as Artillery counts it)
 *
 * A name with spaces (vusers.created_by_name.<scenario name>) is quoted, as
 * Artillery matches its report's names in the text. An expression filtrex
 * cannot read and unknown keys are reported at their place, never dropped.
 * An optional condition (`strict: false`) keeps its `strict`: reported, but
 * it never sets the exit code, as in the plugin.
 */
import { compileCondition } from '../../expect/ensure-condition.ts';

const LEGACY = ['min', 'max', 'median', 'p95', 'p99'];
/** Characters a bare filtrex name may hold; a name with any other is quoted. */
const BARE_NAME = /^[a-zA-Z$_][.a-zA-Z0-9$_]*$/;
/** Names Artillery reports with spaces in them, besides users per scenario. */
const SPACED_NAMES = ['errors.Failed capture or match'];

/** A problem found while translating: the message and the key path under the ensure map. */
export interface EnsureProblem {
  readonly message: string;
  readonly path: Array<string | number>;
  /** Set for an expression that cannot be read (a plan error, not a missing feature). */
  readonly isUnreadable?: boolean;
}

/** One condition for `expect.conditions`. */
interface Condition {
  expression: string;
  label: string;
  strict?: false;
}

function quoted(name: string): string {
  return `'${name.replace(/[\\']/g, (c) => `\\${c}`)}'`;
}

/** `text` with every name of `spaced` (longest first) in quotes, where it is not quoted already. */
function quoteNames(text: string, spaced: readonly string[]): string {
  let out = text;
  for (const name of spaced) {
    out = out.split(name).reduce((acc, part, i) => {
      if (i === 0) return part;
      return acc.endsWith("'") && part.startsWith("'") ? `${acc}${name}${part}` : `${acc}${quoted(name)}${part}`;
    });
  }
  return out;
}

/** The ensure map Artillery reads: `config.ensure` when set, else `config.plugins.ensure`; with its key path. */
export function pickEnsure(config: Record<string, unknown>, at: Array<string | number>): [Record<string, unknown>, Array<string | number>] | null {
  if (isRecord(config.ensure)) return [config.ensure, [...at, 'ensure']];
  const plugins = config.plugins;
  if (isRecord(plugins) && isRecord(plugins.ensure)) return [plugins.ensure, [...at, 'plugins', 'ensure']];
  return null;
}

/**
 * Translates one `ensure` map into `expect.conditions` (appended); problems go into the return value.
 * `scenarioNames`: the script's scenario names, for vusers.created_by_name.<name> with spaces.
 */
export function translateEnsure(ensure: Record<string, unknown>, expect: Record<string, unknown>, scenarioNames: readonly string[] = []): EnsureProblem[] {
  const problems: EnsureProblem[] = [];
  const spaced = [...scenarioNames.map((s) => `vusers.created_by_name.${s}`), ...SPACED_NAMES].filter((n) => !BARE_NAME.test(n)).sort((a, b) => b.length - a.length);
  const out: Condition[] = [];
  const add = (expression: string, label: string, path: Array<string | number>, isOptional = false): void => {
    const c: Condition = { expression: quoteNames(expression, spaced), label, ...(isOptional ? { strict: false as const } : {}) };
    try {
      compileCondition(c, '', (_p, message) => {
        throw new EnsureSyntaxError(message);
      });
    } catch (e) {
      if (!(e instanceof EnsureSyntaxError)) throw e;
      problems.push({ message: e.message, path, isUnreadable: true });
      return;
    }
    out.push(c);
  };
  const thresholds = Array.isArray(ensure.thresholds) ? ensure.thresholds : [];
  thresholds.forEach((t, i) => {
    // The plugin reads the first key of each entry; an entry that is not a map it skips.
    if (!isRecord(t)) return;
    const [metric, limit] = Object.entries(t)[0] ?? [];
    if (metric === undefined) return;
    const text = `${metric} < ${String(limit)}`;
    add(`${BARE_NAME.test(metric) ? metric : quoted(metric)} < ${String(limit)}`, text, ['thresholds', i]);
  });
  const conditions = Array.isArray(ensure.conditions) ? ensure.conditions : [];
  conditions.forEach((c, i) => {
    if (!isRecord(c)) return;
    if (typeof c.expression !== 'string') {
      problems.push({ message: `a condition's expression is text like "http.response_time.p95 < 200", got ${JSON.stringify(c.expression)}`, path: ['conditions', i, 'expression'] });
      return;
    }
    // The plugin reads strict only when it is a boolean; anything else leaves the condition strict.
    add(c.expression, c.expression, ['conditions', i, 'expression'], c.strict === false);
  });
  for (const k of LEGACY) {
    if (ensure[k] === undefined) continue;
    const limit = Number.parseInt(typeof ensure[k] === 'number' || typeof ensure[k] === 'string' ? String(ensure[k]) : '', 10);
    if (Number.isNaN(limit)) problems.push({ message: `ensure.${k} is a limit in milliseconds, got ${JSON.stringify(ensure[k])}`, path: [k], isUnreadable: true });
    else add(`http.response_time.${k} < ${limit}`, `${k} < ${limit}`, [k]);
  }
  if (ensure.maxErrorRate !== undefined) {
    const limit = Number(ensure.maxErrorRate);
    if (Number.isNaN(limit)) problems.push({ message: `ensure.maxErrorRate is a percentage, got ${JSON.stringify(ensure.maxErrorRate)}`, path: ['maxErrorRate'], isUnreadable: true });
    else add(`((vusers.created - vusers.completed)/vusers.created * 100) <= ${limit}`, `maxErrorRate < ${limit}`, ['maxErrorRate']);
  }
  for (const key of Object.keys(ensure)) {
    if (key === 'thresholds' || key === 'conditions' || key === 'maxErrorRate' || LEGACY.includes(key)) continue;
    problems.push({ message: `ensure.${key} is not supported; use thresholds, conditions, maxErrorRate or min/max/median/p95/p99`, path: [key] });
  }
  const before: unknown[] = Array.isArray(expect.conditions) ? (expect.conditions as unknown[]) : [];
  if (out.length > 0) expect.conditions = [...before, ...out];
  return problems;
}

class EnsureSyntaxError extends Error {}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
