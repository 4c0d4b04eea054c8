/**
 * `expect.conditions`: expressions over Artillery's metric names, judged as
 * Artillery's ensure plugin judges them (artillery-metrics.ts reads the names
 * off the run summary). Artillery's `config.ensure` is rewritten into these
 * (plan/artillery/artillery-ensure.ts).
 *
 *   conditions:
 *     - "http.response_time.p95 < 200 and http.codes.500 == 0"
 *     - expression: "vusers.created - vusers.completed <= 2"
 *       label: "at most 2 users lost"          (what the PASS/FAIL line calls it; default: the expression)
 *     - "'vusers.created_by_name.Get a page' >= 10"   (a name with spaces goes in single quotes)
 *     - expression: "http.codes.500 == 0"
 *       strict: false                         (optional: printed PASS / FAIL (optional), never sets the exit code, as Artillery)
 *
 * The expression language is filtrex's (the library Artillery's plugin uses):
 * `and`, `or`, `not`, comparisons, arithmetic, parentheses, functions such as
 * `max(a, b)`. A check holds when the expression is true (or 1, as filtrex 2
 * gave). A name the run has no value for fails the check with "no samples"
 * (Artillery's plugin reads it as undefined, which fails nearly every
 * comparison; agentload fails it always, and says why).
 */
import { compileExpression } from 'filtrex';
import type { ExpectationResult, RunSummary } from '../contracts.ts';
import type { CompiledExpectation, EnsureFacts } from './expectation-types.ts';
import { readArtilleryMetric, unmeasuredNote } from './artillery-metrics.ts';

type Fail = (yamlPath: string, message: string) => never;

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'if', 'then', 'else', 'of', 'true', 'false']);
/** Strings, quoted names, bare names (optionally a function call) — the parts of a filtrex expression that name something. */
const TOKENS = /"(?:\\.|[^"\\])*"|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|'((?:\\.|[^'\\])*)'|([a-zA-Z$_][.a-zA-Z0-9$_]*)(\s*\()?/g;

/** The metric names an expression reads, in order of first mention (strings, keywords and function names left out). */
export function conditionNames(expression: string): string[] {
  const names = new Set<string>();
  for (const m of expression.matchAll(TOKENS)) {
    if (m[1] !== undefined) names.add(m[1].replace(/\\(.)/g, '$1'));
    else if (m[2] !== undefined && m[3] === undefined && !KEYWORDS.has(m[2])) names.add(m[2]);
  }
  return [...names];
}

/** Compiles an expression with `read` resolving its names; throws filtrex's parse error. */
function compile(expression: string, read: (name: string) => number | undefined): (data: object) => unknown {
  return compileExpression(expression, { customProp: (name: string) => read(name) });
}

/** One `conditions` item (a string, or `{expression, label}`) at `yamlPath`. */
export function compileCondition(item: unknown, yamlPath: string, fail: Fail): CompiledExpectation {
  const o = typeof item === 'string' ? { expression: item } : item !== null && typeof item === 'object' && !Array.isArray(item) ? (item as Record<string, unknown>) : null;
  if (o === null) return fail(yamlPath, `expected an expression like "http.response_time.p95 < 200" or {expression, label, strict}, got ${JSON.stringify(item)}`);
  for (const k of Object.keys(o)) if (k !== 'expression' && k !== 'label' && k !== 'strict') fail(`${yamlPath}.${k}`, `unknown key "${k}" in a condition; expected expression, label and strict`);
  const { expression, label, strict } = o;
  if (strict !== undefined && typeof strict !== 'boolean') fail(`${yamlPath}.strict`, `expected true or false (false: the check is reported but does not set the exit code), got ${JSON.stringify(strict)}`);
  if (typeof expression !== 'string' || expression.trim() === '') return fail(`${yamlPath}${typeof item === 'string' ? '' : '.expression'}`, `expected an expression like "http.response_time.p95 < 200", got ${JSON.stringify(expression)}`);
  if (label !== undefined && typeof label !== 'string') fail(`${yamlPath}.label`, `expected a label (text), got ${JSON.stringify(label)}`);
  const at = typeof item === 'string' ? yamlPath : `${yamlPath}.expression`;
  try {
    compile(expression, () => 0);
  } catch (e) {
    const first = (e as Error).message.split('\n').slice(0, 3).join(' ').replace(/\s+/g, ' ');
    fail(at, `cannot read the expression ${JSON.stringify(expression)}: ${first}; write metric names and numbers joined by comparisons, and/or/not, arithmetic and parentheses, with a name that has spaces in single quotes`);
  }
  const names = conditionNames(expression);
  if (names.length === 0) fail(at, `the expression ${JSON.stringify(expression)} reads no metric; name one, e.g. "http.codes.500 == 0"`);
  return {
    label: typeof label === 'string' ? label : expression, scope: null, metric: 'ensure', comparator: '==', limit: 1, unit: 'count', yamlPath: at,
    ensure: { expression, names, isOptional: strict === false, facts: null },
  };
}

/** A number as PASS/FAIL lines show a measured value: at most 3 decimals. */
function shown(v: number): string {
  return String(Math.round(v * 1000) / 1000);
}

/** Judges an `ensure` expectation on `summary`: every name it reads must have a value, then the expression must hold. */
export function evaluateCondition(e: CompiledExpectation, summary: RunSummary): ExpectationResult {
  const spec = e.ensure!;
  const facts: EnsureFacts = spec.facts ?? { httpNames: null, socketioNames: [] };
  const values = new Map<string, number | undefined>();
  for (const n of spec.names) values.set(n, readArtilleryMetric(n, summary, facts));
  const optional = spec.isOptional === true ? { isOptional: true } : {};
  const missing = spec.names.filter((n) => values.get(n) === undefined);
  const limit = spec.expression;
  if (missing.length > 0) {
    const why = missing.map((n) => `${n}${unmeasuredNote(n)}`).join(', ');
    const measured = spec.names.filter((n) => values.get(n) !== undefined).map((n) => `${n} = ${shown(values.get(n)!)}`).join(', ') || 'n/a';
    return { name: e.label, isPass: false, measured, limit, reason: `no samples: the run has no value for ${why}`, ...optional };
  }
  const measured = spec.names.map((n) => `${n} = ${shown(values.get(n)!)}`).join(', ');
  const result = compile(spec.expression, (n) => values.get(n) ?? readArtilleryMetric(n, summary, facts))({});
  if (result instanceof Error) return { name: e.label, isPass: false, measured, limit, reason: `the expression failed: ${result.message.split('\n')[0]}`, ...optional };
  return { name: e.label, isPass: result === true || result === 1, measured, limit, ...optional };
}
