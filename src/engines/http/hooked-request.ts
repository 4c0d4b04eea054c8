/**
 * Requests with processor hooks (beforeRequest / afterResponse, see
 * docs/artillery-processor.md). Such a step is never pre-built: each request
 * is first rendered into an Artillery-shaped `req` object the hooks may
 * change, then sent as the object stands after them. Steps without hooks
 * never come here.
 *
 *   step + vars ──hookRequestOf──► req ──beforeRequest──► req' ──dispatchOf──► undici
 *   response ──hookResponseOf──► res ──afterResponse(req', res)──► next step
 */
import type { HookRequest, HookResponse, VuVars } from '../../engine/contracts.ts';
import type { DispatchOpts, HttpStep } from './http-step.ts';
import type { ResolvedTarget } from './target.ts';

/** What dispatchOf builds: where the request goes, its dispatch options, and its json (JSON-RPC ids are read from it). */
export interface HookedDispatch {
  readonly origin: string;
  readonly opts: DispatchOpts;
  readonly json: unknown;
}

/** A value hooks may change in place: a copy, since a static json or qs renders to the compiled plan's own frozen object. */
function ownCopy(v: unknown): unknown {
  return v !== null && typeof v === 'object' ? structuredClone(v) : v;
}

/** The step rendered for `vars`, as hooks see it: url, method, name, headers (an object, lowercase keys), json / body, qs. */
export function hookRequestOf(step: HttpStep, vars: VuVars, name: string): HookRequest {
  const headers: Record<string, string> = {};
  for (const [k, t] of step.headers) headers[k] = t.render(vars);
  const req: HookRequest = { url: step.url.render(vars), method: step.method, name, headers };
  if (step.json !== null) req.json = ownCopy(step.json.render(vars));
  else if (step.body !== null) req.body = step.body.render(vars);
  else if (step.form !== null) req.body = step.form.render(vars);
  if (step.qs !== null) req.qs = ownCopy(step.qs.render(vars)) as Record<string, unknown>;
  return req;
}

/** A value a processor set, as text: an object as JSON, not [object Object]. */
function paramText(v: unknown): string {
  return typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : `${v as number | boolean | bigint}`;
}

/** A query object as URLSearchParams pairs; a list repeats its key, as the plan's `qs` does. */
function queryOf(qs: Record<string, unknown>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(qs)) {
    if (Array.isArray(v)) for (const item of v) q.append(k, paramText(item));
    else if (v !== undefined && v !== null) q.append(k, paramText(v));
  }
  return q.toString();
}

/**
 * Dispatch options from `req` as the hooks left it. `json` wins over `body`
 * (Artillery's precedence); a json body gets `content-type:
 * application/json` unless a header says otherwise; a body that is neither
 * a string nor a Buffer is sent as JSON.
 */
export function dispatchOf(req: HookRequest, target: ResolvedTarget): HookedDispatch {
  const { origin, path } = target.locate(String(req.url));
  let fullPath = path;
  if (req.qs !== undefined && req.qs !== null && typeof req.qs === 'object') {
    const q = queryOf(req.qs);
    if (q) fullPath += (path.includes('?') ? '&' : '?') + q;
  }
  const headerObj = (req.headers ?? {}) as Record<string, unknown>;
  const headers: string[] = [];
  let hasContentType = false;
  for (const [k, v] of Object.entries(headerObj)) {
    if (v === undefined || v === null) continue;
    if (k.toLowerCase() === 'content-type') hasContentType = true;
    headers.push(k, paramText(v));
  }
  let body: string | Buffer | null = null;
  const json = req.json;
  if (json !== undefined) {
    body = JSON.stringify(json);
    if (!hasContentType) headers.push('content-type', 'application/json');
  } else if (req.body !== undefined && req.body !== null) {
    body = typeof req.body === 'string' || Buffer.isBuffer(req.body) ? req.body : JSON.stringify(req.body);
  }
  return {
    origin,
    opts: { path: fullPath, method: String(req.method ?? 'GET').toUpperCase(), headers, body, headersTimeout: 0, bodyTimeout: 0 },
    json,
  };
}

/** The response as afterResponse sees it: status, headers (lowercase keys; repeated ones joined by ", "), body text. */
export function hookResponseOf(statusCode: number, rawHeaders: readonly Buffer[] | null, body: string): HookResponse {
  const headers: Record<string, string> = {};
  if (rawHeaders !== null) {
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
      const k = rawHeaders[i]!.toString('latin1').toLowerCase();
      const v = rawHeaders[i + 1]!.toString('utf8');
      headers[k] = headers[k] === undefined ? v : `${headers[k]}, ${v}`;
    }
  }
  return { statusCode, headers, body };
}
