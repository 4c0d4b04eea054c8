/**
 * A template that names a variable nothing defines is a plan error at
 * validate time (issue 18): Artillery would render it as an empty string,
 * and a load tool must not send what the plan did not mean. Known names:
 * `config.variables` (and every environment's), `--var`, payload fields and
 * `loadAll` names, every capture's `as`, loops' `loopValue` / `loopElement`, and the runner's own (`vu`,
 * `$loopElement`, `$loopIndex`, `$loopCount`, `$uuid`, `$environment`).
 *
 * Skipped when the plan has a processor or a top-level `before` flow: their
 * functions may set any variable, which only the run can know.
 */
import { HELPER_NAMES } from '../../templates.ts';
import { LOOP_OPTIONS, markOf, type LoopOptionsInput } from './flow-marks.ts';
import { unknownDollarNames } from './artillery-templates.ts';

const BUILTIN = new Set(['vu', '$loopElement', '$loopIndex', '$loopCount', '$uuid', '$environment', 'this']);
const HELPERS = new Set<string>(HELPER_NAMES);
const EXPR = /\{\{\s*([^{}]*?)\s*\}\}/g;

/** One unknown name: where (a path into the plan) and the template. */
export interface UnknownName {
  readonly name: string;
  readonly source: string;
  readonly path: Array<string | number>;
}

/** Every template under `scenarios` that names an unknown variable. */
export function unknownTemplateNames(data: Record<string, unknown>, cliVars: Record<string, unknown>): UnknownName[] {
  const config = isRecord(data.config) ? data.config : {};
  if (config.processor !== undefined || data.before !== undefined) return [];
  const known = new Set<string>([...BUILTIN, ...Object.keys(cliVars)]);
  const addVars = (c: Record<string, unknown>): void => {
    if (isRecord(c.variables)) for (const k of Object.keys(c.variables)) known.add(k);
    if (Array.isArray(c.payload)) {
      for (const p of c.payload) {
        if (!isRecord(p)) continue;
        if (Array.isArray(p.fields)) for (const f of p.fields) known.add(String(f));
        if (typeof p.name === 'string') known.add(p.name);
      }
    }
  };
  addVars(config);
  if (isRecord(config.environments)) for (const e of Object.values(config.environments)) if (isRecord(e)) addVars(e);
  collectCaptures(data.scenarios, known);
  const out: UnknownName[] = [];
  walk(data.scenarios, ['scenarios'], (s, path) => {
    for (const m of s.matchAll(EXPR)) {
      for (const name of namesIn(m[1]!)) if (!known.has(name)) out.push({ name, source: s, path });
    }
  });
  return out;
}

/**
 * Environment variables a template reads with no default (`{{env "X"}}`,
 * Artillery's `$env.X` / `$processEnvironment.X`) that are not set now:
 * the run would send them empty. Checked at load, where the environment is
 * known (after --dotenv).
 */
export function unsetEnvNames(data: Record<string, unknown>, env: NodeJS.ProcessEnv): UnknownName[] {
  const out: UnknownName[] = [];
  const seen = new Set<string>();
  walk(data.scenarios, ['scenarios'], (s, path) => {
    for (const m of s.matchAll(/\{\{\s*env\s+"([^"]+)"\s*\}\}/g)) {
      // Once per name: config.defaults.headers are copied into every request.
      if (env[m[1]!] === undefined && !seen.has(m[1]!)) out.push({ name: m[1]!, source: s, path });
      seen.add(m[1]!);
    }
  });
  return out;
}

/**
 * Every template under `scenarios`, `before` and `after` that calls a `$`
 * function Artillery does not have (`{{ $randomInt(1, 9) }}`): Artillery
 * renders it as "undefined"; here it is reported by name rather than as the
 * template parser's syntax error.
 */
export function unknownDollarCalls(data: Record<string, unknown>): UnknownName[] {
  const out: UnknownName[] = [];
  for (const key of ['scenarios', 'before', 'after']) {
    walk(data[key], [key], (s, path) => {
      for (const expr of unknownDollarNames(s)) {
        const call = /^(\$[A-Za-z_]\w*)\s*\(/.exec(expr);
        if (call !== null) out.push({ name: call[1]!, source: s, path });
      }
    });
  }
  return out;
}

/** Root names an expression reads: `a.b` → a; `randomChoice list` → list; literals, helpers and blocks are skipped. */
function namesIn(expr: string): string[] {
  if (/^[#/^!>&~]|^else\b/.test(expr)) return [];
  const tokens = expr.match(/"[^"]*"|'[^']*'|\S+/g) ?? [];
  const out: string[] = [];
  tokens.forEach((tok, i) => {
    if (/^["']/.test(tok) || /^-?\d/.test(tok) || /^(true|false|null|undefined)$/.test(tok)) return;
    const t = tok.includes('=') ? tok.slice(tok.indexOf('=') + 1) : tok;
    if (i === 0 && HELPERS.has(t) && tokens.length >= 1) return;
    if (/^["'\d-]/.test(t) || t === '') return;
    const root = /^[^.[\]]+/.exec(t)?.[0];
    if (root !== undefined && /^[A-Za-z_$][\w$-]*$/.test(root) && !(i === 0 && tokens.length > 1 && HELPERS.has(root))) out.push(root);
  });
  return out;
}

function collectCaptures(node: unknown, known: Set<string>): void {
  if (Array.isArray(node)) node.forEach((n) => collectCaptures(n, known));
  else if (isRecord(node)) {
    if (typeof node.as === 'string') known.add(node.as);
    // Artillery's loopValue / loopElement name the loop's variables.
    const loop = markOf<LoopOptionsInput>(node, LOOP_OPTIONS);
    if (loop?.indexVar != null) known.add(loop.indexVar);
    if (loop?.elementVar != null) known.add(loop.elementVar);
    for (const v of Object.values(node)) collectCaptures(v, known);
  }
}

/**
 * Calls `f` with every string holding `{{` and a copy of its path. One path
 * stack serves the whole walk: a copy per node was most of the time this
 * check took on a 10 000-step plan, and a copy is needed only for a template.
 */
function walk(node: unknown, path: Array<string | number>, f: (s: string, path: Array<string | number>) => void): void {
  if (typeof node === 'string') {
    if (node.includes('{{')) f(node, [...path]);
  } else if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      path.push(i);
      walk(node[i], path, f);
      path.pop();
    }
  } else if (isRecord(node)) {
    for (const k in node) {
      if (!Object.hasOwn(node, k)) continue;
      path.push(k);
      walk(node[k], path, f);
      path.pop();
    }
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
