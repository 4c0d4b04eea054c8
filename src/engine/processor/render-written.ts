/**
 * Artillery renders a request's templates after its beforeRequest hooks, so
 * a hook may write `{{ token }}` into `req` and have it filled in. agentload
 * hands hooks the request already rendered; this fills in the templates a
 * hook wrote (any string still holding `{{` once the hooks are done) in the
 * url, body, headers, json and qs. Each distinct string is compiled once
 * (up to MAX_CACHED); a string that is not a valid template is sent as is.
 */
import { compileTemplate } from '../templates.ts';
import type { HookRequest, Template, VuVars } from '../contracts.ts';

const MAX_CACHED = 1000;
const cache = new Map<string, Template | null>();

function templateOf(source: string): Template | null {
  let t = cache.get(source);
  if (t === undefined) {
    try {
      t = compileTemplate(source, undefined, 'beforeRequest');
    } catch {
      t = null;
    }
    if (cache.size < MAX_CACHED) cache.set(source, t);
  }
  return t;
}

function render(v: unknown, vars: VuVars, depth: number): unknown {
  if (typeof v === 'string') {
    if (!v.includes('{{')) return v;
    const t = templateOf(v);
    return t === null ? v : t.render(vars);
  }
  if (depth > 32 || v === null || typeof v !== 'object' || Buffer.isBuffer(v)) return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = render(v[i], vars, depth + 1);
    return v;
  }
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) o[k] = render(o[k], vars, depth + 1);
  return o;
}

/** See the module comment. Changes `req` in place. */
export function renderWritten(req: HookRequest, vars: VuVars): void {
  req.url = render(req.url, vars, 0) as string;
  if (req.body !== undefined) req.body = render(req.body, vars, 0);
  if (req.json !== undefined) req.json = render(req.json, vars, 0);
  if (req.qs !== undefined) req.qs = render(req.qs, vars, 0) as Record<string, unknown>;
  if (req.headers !== null && typeof req.headers === 'object') render(req.headers, vars, 0);
}
