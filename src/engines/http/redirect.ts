/**
 * Following a redirect (Artillery follows them by default; its got client
 * decides the hop as here): the next request of a chain from a 3xx answer's
 * `location`. Pure; the engine sends the hop (HttpEngine.follow).
 *
 *   303 (not after HEAD)    → GET, no body, no content-type
 *   301, 302, 307, 308      → same method and body
 *   another origin          → no authorization or cookie header (the jar's cookies follow their own rules)
 */
import type { PoolDispatchOpts as DispatchOpts } from '../../engine/transport/client-pool.ts';

/** Most hops of one request when `config.http.maxRedirects` is not set (got's and k6's default). */
export const DEFAULT_MAX_REDIRECTS = 10;

/** Whether `status` is a redirect whose `location` is followed. */
export function isFollowedRedirect(status: number): boolean {
  return status === 301 || status === 302 || status === 303 || status === 307 || status === 308;
}

/** The hop to `location` from a request that went to `origin` with `opts`, or null when it is not an http(s) URL. */
export function nextHop(status: number, location: string, origin: string, opts: DispatchOpts): { origin: string; opts: DispatchOpts } | null {
  let u: URL;
  try {
    u = new URL(location, origin + opts.path);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  const isToGet = status === 303 && opts.method !== 'HEAD';
  const isSameOrigin = u.origin === origin;
  const headers: string[] = [];
  for (let i = 0; i + 1 < opts.headers.length; i += 2) {
    const k = opts.headers[i]!.toLowerCase();
    if (!isSameOrigin && (k === 'authorization' || k === 'cookie')) continue;
    if (isToGet && (k === 'content-type' || k === 'content-length')) continue;
    headers.push(opts.headers[i]!, opts.headers[i + 1]!);
  }
  return {
    origin: u.origin,
    opts: { path: u.pathname + u.search, method: isToGet ? 'GET' : opts.method, headers, body: isToGet ? null : opts.body, headersTimeout: 0, bodyTimeout: 0 },
  };
}
