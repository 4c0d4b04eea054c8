/**
 * Handlebars templates in plan strings, compiled once at plan-compile time.
 *
 * A string without `{{` is static: render() returns it without calling
 * Handlebars, and value trees (JSON bodies, params) with no template at all
 * are reported static so engines can serialise them once, not per request.
 *
 * Helpers: randomInt a b, randomFloat a b [digits], randomChoice x y … (or an
 * array), randomString n, uuid, isoTime, now (epoch ms), env NAME [default].
 * The random helpers and uuid draw from the virtual user's seeded stream
 * (vars[TEMPLATE_RANDOM], set by Vu), so a run with `--seed` renders the
 * same values per user; a render without one (no user) uses Math.random.
 * isoTime and now read the clock and are not reproducible.
 * Variables: plan `config.variables`, captured values, the loop item `$loopElement`
 * and `$loopIndex`, and `vu` (the virtual user's id).
 */
import Handlebars from 'handlebars';
import { PlanError } from './errors.ts';
import type { Template, ValueTemplate, VuVars } from './contracts.ts';

const hb = Handlebars.create();

const ALPHANUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

function num(v: unknown, fallback: number): number {
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : fallback;
}

/** Handlebars passes an options object last; strip it from variadic helpers. */
/** A value as Handlebars renders it ('' for null and undefined, else '' + v), so the fast path and Handlebars agree. */
function renderedText(v: unknown): string {
  // eslint-disable-next-line @typescript-eslint/no-base-to-string -- an object renders as Handlebars renders it
  return v === undefined || v === null ? '' : String(v);
}

function args(list: unknown[]): unknown[] {
  return list.slice(0, -1);
}

/** Where a virtual user's vars carry its random stream (see the module comment). */
export const TEMPLATE_RANDOM: unique symbol = Symbol('agentload.templateRandom');

/** The rendering user's stream, from the options Handlebars passes last (data.root is the vars). */
function randomOf(options: unknown): () => number {
  const root = (options as { data?: { root?: Record<symbol, unknown> } } | undefined)?.data?.root;
  const stream = root?.[TEMPLATE_RANDOM] as { next(): number } | undefined;
  return stream === undefined ? Math.random : () => stream.next();
}

hb.registerHelper('randomInt', (min: unknown, max: unknown, options: unknown) => {
  const lo = Math.ceil(num(min, 0));
  const hi = Math.floor(num(max, lo));
  return lo + Math.floor(randomOf(options)() * (hi - lo + 1));
});
hb.registerHelper('randomFloat', (...a: unknown[]) => {
  const [min, max, digits] = args(a);
  const lo = num(min, 0);
  const v = lo + randomOf(a[a.length - 1])() * (num(max, 1) - lo);
  return v.toFixed(Math.max(0, Math.min(10, num(digits, 2))));
});
hb.registerHelper('randomChoice', (...a: unknown[]) => {
  const list = args(a);
  const pool = list.length === 1 && Array.isArray(list[0]) ? (list[0] as unknown[]) : list;
  return pool.length === 0 ? '' : pool[Math.floor(randomOf(a[a.length - 1])() * pool.length)];
});
hb.registerHelper('randomString', (...a: unknown[]) => {
  const n = Math.max(0, Math.min(1 << 20, num(args(a)[0], 8)));
  const random = randomOf(a[a.length - 1]);
  let s = '';
  for (let i = 0; i < n; i++) s += ALPHANUM[Math.floor(random() * ALPHANUM.length)];
  return s;
});
hb.registerHelper('uuid', (options: unknown) => uuidV4(randomOf(options)));

/** An RFC 4122 version-4 UUID from `random` (seeded per user, so it replays with the run seed). */
export function uuidV4(random: () => number): string {
  let hex = '';
  for (let i = 0; i < 4; i++) hex += ((random() * 4294967296) >>> 0).toString(16).padStart(8, '0');
  const variant = (8 + (parseInt(hex[16]!, 16) & 3)).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
hb.registerHelper('isoTime', () => new Date().toISOString());
hb.registerHelper('now', () => Date.now());
hb.registerHelper('env', (...a: unknown[]) => {
  const [name, fallback] = args(a);
  return process.env[renderedText(name)] ?? renderedText(fallback);
});
hb.registerHelper('json', (v: unknown) => JSON.stringify(v));
hb.registerHelper('urlEncode', (v: unknown) => encodeURIComponent(renderedText(v)));

/** Names usable inside `{{ }}` as helpers (for docs and did-you-mean). */
export const HELPER_NAMES = Object.freeze(['randomInt', 'randomFloat', 'randomChoice', 'randomString', 'uuid', 'isoTime', 'now', 'env', 'json', 'urlEncode']);

class StaticTemplate implements Template {
  readonly isStatic = true;
  constructor(readonly source: string) {}
  render(): string {
    return this.source;
  }
}

/** Where a virtual user's vars keep the element it picked of each list variable (see pickFor). */
const TEMPLATE_PICKS: unique symbol = Symbol('agentload.templatePicks');

/**
 * A list rendered as text is one element, picked at random once per user
 * and kept (Artillery's meaning of a list in `config.variables`): `{{ email }}`
 * of `email: [a, b, c]` is the same address all through one user's
 * scenario. Helpers (`randomChoice emails`) and `loop.over` still get the list.
 */
function pickFor(vars: VuVars, key: string, list: unknown[]): unknown {
  const bag = vars as Record<symbol, Record<string, number> | undefined>;
  const picks = (bag[TEMPLATE_PICKS] ??= Object.create(null) as Record<string, number>);
  let i = picks[key];
  if (i === undefined || i >= list.length) {
    const stream = (vars as Record<symbol, unknown>)[TEMPLATE_RANDOM] as { next(): number } | undefined;
    i = picks[key] = Math.floor((stream === undefined ? Math.random() : stream.next()) * list.length);
  }
  return list[i];
}

/** A template that is only text and plain `{{name}}` / `{{a.b}}` variables: rendered by concatenation. */
class VariablesTemplate implements Template {
  readonly isStatic = false;
  private readonly keys: readonly string[];
  constructor(readonly source: string, private readonly texts: readonly string[], private readonly paths: ReadonlyArray<readonly string[]>) {
    this.keys = paths.map((p) => p.join('.'));
  }
  render(vars: VuVars): string {
    let out = this.texts[0]!;
    for (let i = 0; i < this.paths.length; i++) {
      let v: unknown = vars;
      for (const key of this.paths[i]!) v = v !== null && typeof v === 'object' && Object.hasOwn(v, key) ? (v as Record<string, unknown>)[key] : undefined;
      if (Array.isArray(v)) v = pickFor(vars, this.keys[i]!, v);
      out += renderedText(v) + this.texts[i + 1]!;
    }
    return out;
  }
}

type HbNode = { type: string; value?: string; path?: { type: string; parts: string[]; data: boolean; depth: number; original: string }; params?: unknown[]; hash?: unknown; strip?: { open: boolean; close: boolean } };

/**
 * The fast path: Handlebars builds helper and prototype-access tables on every render, which cost more than
 * the request itself at tens of thousands of renders a second. A template that is only text and plain
 * variable references renders the same by concatenation; anything else (helpers, blocks, `this`, `@data`,
 * whitespace control) goes through Handlebars.
 */
function variablesOnly(source: string, ast: hbs.AST.Program): VariablesTemplate | null {
  const body = (ast as unknown as { body: HbNode[] }).body;
  const texts = [''];
  const paths: string[][] = [];
  for (const n of body) {
    if (n.type === 'ContentStatement') texts[texts.length - 1] += n.value ?? '';
    else if (n.type === 'MustacheStatement' && n.path?.type === 'PathExpression' && !n.path.data && n.path.depth === 0 &&
      (n.params?.length ?? 0) === 0 && !n.hash && !n.strip?.open && !n.strip?.close && n.path.parts.length > 0 &&
      !/^(this|\.\.?)([./]|$)/.test(n.path.original) && !(n.path.parts.length === 1 && n.path.parts[0]! in hb.helpers)) {
      paths.push(n.path.parts);
      texts.push('');
    } else return null;
  }
  return new VariablesTemplate(source, texts, paths);
}

class DynamicTemplate implements Template {
  readonly isStatic = false;
  constructor(readonly source: string, private readonly fn: HandlebarsTemplateDelegate) {}
  render(vars: VuVars): string {
    return this.fn(vars);
  }
}

/** Where a template is written; a function is asked only when the template is bad (locating costs a walk of the YAML). */
export type TemplateSite = { file: string; line: number; col: number } | undefined | (() => { file: string; line: number; col: number } | undefined);

/**
 * Compiles `source`; throws PlanError AGENTLOAD_E_TEMPLATE (located by the
 * caller-supplied `where`) on a syntax error, before any request is sent.
 */
export function compileTemplate(source: string, where: TemplateSite, yamlPath: string): Template {
  if (!source.includes('{{')) return new StaticTemplate(source);
  const known = compiledBySource.get(source);
  if (known !== undefined) return known;
  const compiled = compileDynamic(source, where, yamlPath);
  if (compiledBySource.size >= MAX_COMPILED_KEPT) compiledBySource.clear();
  compiledBySource.set(source, compiled);
  return compiled;
}

/**
 * Templates compiled so far, by source. A plan repeats its strings (steps reused by alias, the same
 * `{{randomInt 1 10000}}` in every body): configs/http-load.yml has 6 distinct templates among 43,
 * and compiling them each time was a sixth of `validate`'s start-up. A template is immutable and keeps
 * no state between renders, so one may serve every step; the cap bounds a process that compiles many
 * plans. Only successes are kept: a bad template throws, located where it is written, every time.
 */
const compiledBySource = new Map<string, Template>();
const MAX_COMPILED_KEPT = 4096;

function compileDynamic(source: string, where: TemplateSite, yamlPath: string): Template {
  try {
    // Parsed once: the fast path reads the tree, and Handlebars compiles the same tree (it applies its
    // whitespace control to a tree given unprocessed, as to a string). Parsing was most of a first compile.
    const ast = hb.parseWithoutProcessing(source);
    const fast = variablesOnly(source, ast);
    if (fast !== null) return fast;
    const fn = hb.compile(ast, { noEscape: true, strict: false });
    fn({}); // Handlebars compiles lazily; force it so syntax errors surface at load time
    return new DynamicTemplate(source, fn);
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0] ?? 'invalid template';
    throw new PlanError('AGENTLOAD_E_TEMPLATE', `invalid template ${JSON.stringify(source)}: ${msg}`, { location: typeof where === 'function' ? where() : where, yamlPath, cause: e });
  }
}

const SINGLE_EXPR = /^\{\{[^{}]+\}\}$/;
const NUMERIC = /^-?\d+(\.\d+)?$/;

/**
 * Walks a value tree, compiling every string. A string that is exactly one
 * `{{ }}` expression rendering a number becomes a number, so
 * `a: "{{randomInt 1 9}}"` sends `"a": 7`, not `"a": "7"`.
 */
export function compileValue(value: unknown, compileAt: (source: string, path: string) => Template, path: string): ValueTemplate {
  if (typeof value === 'string') {
    const t = compileAt(value, path);
    if (t.isStatic) return constant(value);
    const isSingle = SINGLE_EXPR.test(value.trim());
    return {
      isStatic: false,
      render: (vars) => {
        const s = t.render(vars);
        return isSingle && NUMERIC.test(s) ? Number(s) : s;
      },
    };
  }
  if (Array.isArray(value)) {
    const items = value.map((v, i) => compileValue(v, compileAt, `${path}[${i}]`));
    if (items.every((i) => i.isStatic)) return constant(value);
    return { isStatic: false, render: (vars) => items.map((i) => i.render(vars)) };
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).map(([k, v]) => [k, compileValue(v, compileAt, `${path}.${k}`)] as const);
    if (entries.every(([, t]) => t.isStatic)) return constant(value);
    // `out.__proto__ = v` would set the prototype, and JSON.stringify would drop the key: a templated body
    // must send `__proto__` as the static one does (an own property, as yaml parses it).
    if (entries.some(([k]) => k === '__proto__')) {
      return {
        isStatic: false,
        render: (vars) => {
          const out: Record<string, unknown> = {};
          for (const [k, t] of entries) Object.defineProperty(out, k, { value: t.render(vars), enumerable: true, writable: true, configurable: true });
          return out;
        },
      };
    }
    return {
      isStatic: false,
      render: (vars) => {
        const out: Record<string, unknown> = {};
        for (const [k, t] of entries) out[k] = t.render(vars);
        return out;
      },
    };
  }
  return constant(value);
}

function constant(value: unknown): ValueTemplate {
  return { isStatic: true, render: () => value };
}
