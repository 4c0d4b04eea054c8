/**
 * WebSocket URLs from the run's target: a relative step URL joins the
 * target's origin and base path with the scheme swapped (http → ws,
 * https → wss); an absolute ws(s):// URL is used as is, an absolute
 * http(s):// one has its scheme swapped. Query parameters are appended,
 * a list repeating its key.
 */

/** The target, parsed once at engine init. */
export interface WsTarget {
  /** e.g. `ws://127.0.0.1:8001` */
  readonly origin: string;
  /** The target's path without a trailing slash, e.g. `` or `/gateway`. */
  readonly basePath: string;
}

const ABSOLUTE_WS = /^wss?:\/\//i;
const ABSOLUTE_HTTP = /^https?:\/\//i;

/** Parses the run's target (an http(s) or ws(s) URL). Throws on a non-URL (the CLI validated it). */
export function wsTarget(target: string): WsTarget {
  const u = new URL(target);
  const scheme = u.protocol === 'https:' || u.protocol === 'wss:' ? 'wss:' : 'ws:';
  return { origin: `${scheme}//${u.host}`, basePath: u.pathname.replace(/\/$/, '') };
}

/** The full URL of a step's `url` as rendered. */
export function resolveWsUrl(t: WsTarget, url: string): string {
  if (ABSOLUTE_WS.test(url)) return url;
  if (ABSOLUTE_HTTP.test(url)) return `ws${url.slice(4)}`;
  return t.origin + t.basePath + (url.startsWith('/') ? url : `/${url}`);
}

/** Appends rendered `query` parameters to `url`. */
export function appendQuery(url: string, query: unknown): string {
  if (query === null || typeof query !== 'object') return url;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query as Record<string, unknown>)) {
    for (const item of Array.isArray(v) ? v : [v]) q.append(k, String(item));
  }
  const s = q.toString();
  return s === '' ? url : `${url}${url.includes('?') ? '&' : '?'}${s}`;
}
