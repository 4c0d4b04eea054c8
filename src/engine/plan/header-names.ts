/**
 * HTTP request headers whose name HTTP does not allow (`<header>: <value>`, a
 * template's placeholder left in). Artillery's validation passes them; at run
 * time Node refuses the name (ERR_INVALID_HTTP_TOKEN) and each request that
 * carries it fails. agentload does the same: undici refuses it when the
 * request is dispatched and the request fails as `invalid_request`
 * (transport-reason.ts). Each is a located warning here, read from the plan
 * as written (before config.defaults' headers are copied into each request),
 * so the line points where the name was written; plan-limits.ts leaves
 * request headers' names to this module.
 */
import { HEADER_NAME } from './plan-limits.ts';
import type { PathSegment } from './yaml-positions.ts';
import { isRecord } from './plan-checks.ts';

/** An invalid name: where it was written and what to say. */
export interface BadHeader {
  readonly path: PathSegment[];
  readonly message: string;
}

/** The request keys of the http engine, whose headers this module judges. */
export const HTTP_METHOD_KEYS: ReadonlySet<string> = new Set(['get', 'post', 'put', 'patch', 'delete', 'head']);
/** Engines whose `get` / `post` … steps go to the http engine (socket.io scenarios hand them over, as in Artillery). */
const HTTP_SCENARIO_ENGINES = new Set(['http', 'socketio', 'socketio-v3']);

/** The invalid header names of `raw` (the parsed plan, not yet rewritten), in document order. Pure. */
export function badHeaderNames(raw: unknown): BadHeader[] {
  const out: BadHeader[] = [];
  if (!isRecord(raw)) return out;
  const config = isRecord(raw.config) ? raw.config : {};
  if (isRecord(config.defaults)) names(config.defaults.headers, ['config', 'defaults', 'headers'], out);
  if (isRecord(config.http) && isRecord(config.http.defaults)) names(config.http.defaults.headers, ['config', 'http', 'defaults', 'headers'], out);
  if (Array.isArray(raw.scenarios)) {
    raw.scenarios.forEach((s, i) => {
      if (!isRecord(s) || !HTTP_SCENARIO_ENGINES.has(typeof s.engine === 'string' ? s.engine : 'http')) return;
      for (const key of ['flow', 'beforeScenario', 'afterScenario']) steps(s[key], ['scenarios', i, key], out);
    });
  }
  for (const key of ['before', 'after']) if (isRecord(raw[key])) steps(raw[key].flow, [key, 'flow'], out);
  return out;
}

function steps(list: unknown, at: PathSegment[], out: BadHeader[]): void {
  if (!Array.isArray(list)) return;
  list.forEach((step, i) => {
    if (!isRecord(step)) return;
    if (Array.isArray(step.loop)) steps(step.loop, [...at, i, 'loop'], out);
    if (Array.isArray(step.parallel)) steps(step.parallel, [...at, i, 'parallel'], out);
    for (const m of HTTP_METHOD_KEYS) if (isRecord(step[m])) names(step[m].headers, [...at, i, m, 'headers'], out);
  });
}

function names(headers: unknown, at: PathSegment[], out: BadHeader[]): void {
  if (!isRecord(headers)) return;
  for (const name of Object.keys(headers)) {
    if (HEADER_NAME.test(name)) continue;
    out.push({
      path: [...at, name],
      message: `"${name}" is not a valid header name (letters, digits and !#$%&'*+-.^_\`|~ only); Artillery passes it and each request that carries it fails, so agentload sends none of them either: each is counted as invalid_request`,
    });
  }
}
