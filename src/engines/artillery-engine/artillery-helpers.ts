/**
 * The `helpers` Artillery hands a custom engine's constructor (its
 * engine_util), with Artillery's meaning, written for agentload:
 *
 *   template(value, context, inPlace?)      {{ name }} / {{ a.b }} from context.vars, {{ $fn(args) }} from context.funcs;
 *                                           a string that is one {{ name }} and nothing else gives the value itself
 *   createThink(spec, defaults?)            a step that waits spec.think seconds (or "500ms", "2s"), ± jitter
 *   createLoopWithCount(count, steps, opts) a step that runs steps count times ("2-5" from 2 to 5, -1 for ever),
 *                                           or over opts.overValues, setting $loopCount / $loopElement
 *   createParallel(steps, opts)             a step that runs steps at once (at most opts.limitValue)
 *   isProbableEnough(spec)                  true with spec.probability percent
 *
 * A step is Artillery's `(context, callback(err, context))`. The helpers
 * Artillery also has that agentload does not give yet (captureOrMatch, evil,
 * ensurePropertyIsAList) throw an error naming themselves when called.
 * Random draws come from `random` (the user's seeded stream when the
 * adapter has one at hand), so --seed replays them.
 */
import { parseDurationMs } from '../../engine/duration.ts';

/** Artillery's scenario context, as engines see it. */
export interface ArtilleryContext {
  vars: Record<string, unknown>;
  funcs: Record<string, (...args: unknown[]) => unknown>;
  [key: string]: unknown;
}
export type StepCallback = (err: unknown, context?: ArtilleryContext) => void;
export type ArtilleryStep = (context: ArtilleryContext, callback: StepCallback) => void;

const VAR = /{{{?[\s$\w.[\]'"-]+}}}?/g;
const CALL = /{{\s*(\$[A-Za-z0-9_]+)\s*\(\s*([A-Za-z0-9_,\s.'"-]*)\s*\)\s*}}/;
const NOT_YET = ['captureOrMatch', 'evil', 'ensurePropertyIsAList'];

/** Builds the helpers object; `random` draws in [0, 1). */
export function artilleryHelpers(random: () => number): Record<string, unknown> {
  const helpers: Record<string, unknown> = {
    template,
    createThink: (spec: Record<string, unknown>, defaults?: Record<string, unknown>) => createThink(spec, defaults ?? {}, random),
    createLoopWithCount,
    createParallel,
    isProbableEnough: (spec: Record<string, unknown>) => spec.probability === undefined || random() * 100 < Math.min(100, Number(spec.probability) || 0),
  };
  for (const name of NOT_YET) {
    helpers[name] = () => {
      throw new Error(`the Artillery engine helper ${name}() is not supported by agentload yet; use template, createThink, createLoopWithCount, createParallel or isProbableEnough`);
    };
  }
  return helpers;
}

/** See the module comment. */
export function template(o: unknown, context: ArtilleryContext, inPlace = false): unknown {
  if (typeof o === 'string') return templateString(o, context);
  if (Array.isArray(o)) {
    const list = o as unknown[];
    const out = inPlace ? list : [...list];
    out.forEach((v: unknown, i) => (out[i] = template(v, context, inPlace)));
    return out;
  }
  if (o !== null && typeof o === 'object' && o.constructor === Object) {
    const src = o as Record<string, unknown>;
    const out: Record<string, unknown> = inPlace ? src : {};
    for (const [k, v] of Object.entries(src)) {
      const key = String(templateString(k, context));
      if (inPlace && key !== k) delete out[k];
      out[key] = template(v, context, inPlace);
    }
    return out;
  }
  return o;
}

function templateString(s: string, context: ArtilleryContext): unknown {
  if (!s.includes('{{')) return s;
  const call = CALL.exec(s);
  if (call !== null) {
    const fn = context.funcs?.[call[1]!];
    if (typeof fn !== 'function') return s;
    const args = call[2]!.split(',').map((a) => a.trim()).filter((a) => a !== '').map(literal);
    return templateString(s.replace(CALL, String(fn(...args))), context);
  }
  const all = s.match(VAR);
  if (all?.length === 1 && all[0] === s) return lookup(context.vars, nameOf(s));
  return s.replace(VAR, (m) => {
    const v = lookup(context.vars, nameOf(m));
    return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
  });
}

function nameOf(tag: string): string {
  return tag.replace(/[{}]/g, '').trim();
}

function literal(a: string): unknown {
  if (/^['"].*['"]$/.test(a)) return a.slice(1, -1);
  const n = Number(a);
  return Number.isNaN(n) ? a : n;
}

/** `a.b[0].c` in `vars`, as lodash.get reads it. */
function lookup(vars: Record<string, unknown>, path: string): unknown {
  let v: unknown = vars;
  for (const seg of path.replace(/\[['"]?([^\]'"]+)['"]?\]/g, '.$1').split('.').filter((x) => x !== '')) {
    if (v === null || v === undefined) return undefined;
    v = (v as Record<string, unknown>)[seg];
  }
  return v;
}

function createThink(spec: Record<string, unknown>, defaults: Record<string, unknown>, random: () => number): ArtilleryStep {
  return (context, callback) => {
    const value = template(spec.think, context);
    const ms = /^\s*-?\d+(\.\d+)?\s*$/.test(String(value)) ? Number(value) * 1000 : ((typeof value === 'string' ? parseDurationMs(value) : null) ?? Number.NaN);
    if (!Number.isFinite(ms)) throw new Error(`Invalid think time: ${String(value)}`);
    const jitter = spec.jitter ?? defaults.jitter;
    let wait = ms;
    if (typeof jitter === 'string' || typeof jitter === 'number') {
      const j = String(jitter);
      const spread = j.endsWith('%') ? (ms * Number(j.slice(0, -1))) / 100 : Number(j);
      if (Number.isFinite(spread)) wait = Math.max(0, ms + (random() * 2 - 1) * spread);
    }
    setTimeout(() => callback(null, context), wait);
  };
}

function loopBounds(count: unknown): { from: number; to: number } {
  if (typeof count === 'number') return { from: 0, to: count };
  if (typeof count === 'string') {
    if (!Number.isNaN(Number(count))) return { from: 0, to: Number(count) };
    const m = /^(\d+)-(\d+)$/.exec(count.trim());
    if (m !== null) return { from: Number(m[1]), to: Number(m[2]) };
  }
  return { from: 0, to: 0 };
}

function createLoopWithCount(count: unknown, steps: ArtilleryStep[], opts: Record<string, unknown> = {}): ArtilleryStep {
  return (context, callback) => {
    const { from, to } = loopBounds(typeof count === 'string' ? template(count, context) : count);
    const indexVar = typeof opts.loopValue === 'string' ? opts.loopValue : '$loopCount';
    const elementVar = typeof opts.loopElement === 'string' ? opts.loopElement : '$loopElement';
    let over: unknown[] | null = null;
    if (Array.isArray(opts.overValues)) over = opts.overValues;
    else if (typeof opts.overValues === 'string') {
      const v = lookup(context.vars, opts.overValues);
      if (!Array.isArray(v)) return callback(null, context);
      over = v;
    }
    const whileTrue = typeof opts.whileTrue === 'function' ? (opts.whileTrue as (c: ArtilleryContext, done: (b: boolean) => void) => void) : null;
    let i = from;
    let isGoingOn = true;
    const iterate = (ctx: ArtilleryContext): void => {
      const isMore = whileTrue !== null ? isGoingOn : over !== null ? i < over.length : to === -1 || i < to;
      if (!isMore) return callback(null, ctx);
      ctx.vars[indexVar] = i;
      ctx.vars[elementVar] = over !== null ? over[i] : i;
      runSteps(steps, ctx, (err, next) => {
        const c = next ?? ctx;
        if (err !== null && err !== undefined) return callback(err, c);
        i++;
        if (whileTrue === null) return setImmediate(iterate, c);
        whileTrue(c, (b) => {
          isGoingOn = Boolean(b);
          setImmediate(iterate, c);
        });
      });
    };
    iterate(context);
  };
}

function createParallel(steps: ArtilleryStep[], opts: Record<string, unknown> = {}): ArtilleryStep {
  const limit = typeof opts.limitValue === 'number' && opts.limitValue >= 1 ? opts.limitValue : 100;
  return (context, callback) => {
    let started = 0;
    let ended = 0;
    let failure: unknown = null;
    if (steps.length === 0) return callback(null, context);
    const startNext = (): void => {
      if (started >= steps.length) return;
      const step = steps[started++]!;
      let isDone = false;
      const done: StepCallback = (err) => {
        if (isDone) return;
        isDone = true;
        ended++;
        if (err !== null && err !== undefined && failure === null) failure = err;
        if (ended === steps.length) callback(failure, context);
        else startNext();
      };
      try {
        step(context, done);
      } catch (e) {
        done(e);
      }
    };
    for (let k = 0; k < Math.min(limit, steps.length); k++) startNext();
  };
}

/** Runs Artillery steps one after another (async.waterfall with the context), stopping at the first error. */
export function runSteps(steps: readonly ArtilleryStep[], context: ArtilleryContext, callback: StepCallback): void {
  let k = 0;
  const next = (err: unknown, ctx?: ArtilleryContext): void => {
    const c = ctx ?? context;
    if (err !== null && err !== undefined) return callback(err, c);
    if (k >= steps.length) return callback(null, c);
    const step = steps[k++]!;
    let isCalled = false;
    try {
      step(c, (e, nc) => {
        if (isCalled) return;
        isCalled = true;
        next(e, nc);
      });
    } catch (e) {
      if (!isCalled) {
        isCalled = true;
        next(e, c);
      }
    }
  };
  next(null, context);
}
