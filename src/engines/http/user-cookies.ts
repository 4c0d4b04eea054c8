/**
 * Each virtual user's cookie jar (Artillery's, on by default): a `set-cookie`
 * answer is sent back on that user's later requests to URLs it matches
 * (domain, path, expiry, Secure: RFC 6265 through tough-cookie, the library
 * Artillery's engine uses, so `cookieJarOptions` such as `looseMode` mean the
 * same), and a request's `cookie:` map is added to the jar before it is sent.
 *
 * Cheap for plans that never see a cookie: a user has no jar (null) until its
 * first `set-cookie` or `cookie:`, so a request costs one null check, and an
 * answer one length comparison per header name (findSetCookies).
 *
 * tough-cookie itself (with tldts's public-suffix list, ~20 ms of CPU to load)
 * is loaded at the run's first jar, not at the start of every http run. It is
 * required synchronously (its CommonJS build, which the bundle leaves out), so a
 * jar is written the moment a cookie arrives and nothing has to wait for it.
 */
import { createRequire } from 'node:module';
import type * as Tough from 'tough-cookie';

let tough: typeof Tough | null = null;

/** `config.http.cookieJar`: false turns jars off; an object is tough-cookie's options (Artillery's `cookieJarOptions`). */
export type CookieJarSetting = boolean | Record<string, unknown> | undefined;

/** Options for new jars, or null when jars are off. */
export function cookieJarOptionsOf(setting: CookieJarSetting): Record<string, unknown> | null {
  if (setting === false) return null;
  return typeof setting === 'object' && setting !== null ? { ...setting } : {};
}

/** A jar for one user. Called at the user's first cookie only; the first call in a run loads tough-cookie. */
export function newJar(options: Record<string, unknown>): Tough.CookieJar {
  tough ??= createRequire(import.meta.url)('tough-cookie') as typeof Tough;
  return new tough.CookieJar(null, options);
}

/** The `cookie` header value for `url`, or null when the jar holds none for it. */
export function cookieHeaderFor(jar: Tough.CookieJar, url: string): string | null {
  const s = jar.getCookieStringSync(url);
  return s === '' ? null : s;
}

/** Stores each `set-cookie` value for `url`; returns how many could not be parsed (skipped, as Artillery does). */
export function storeSetCookies(jar: Tough.CookieJar, values: readonly string[], url: string): number {
  let bad = 0;
  for (const v of values) {
    try {
      if (jar.setCookieSync(v, url, { ignoreError: false }) === undefined) bad++;
    } catch {
      bad++;
    }
  }
  return bad;
}

/** Adds `name=value` pairs (a request's `cookie:` map, rendered) to the jar for `url`. */
export function addCookies(jar: Tough.CookieJar, pairs: ReadonlyArray<readonly [string, string]>, url: string): void {
  for (const [k, v] of pairs) jar.setCookieSync(`${k}=${v}`, url, { ignoreError: true });
}

/**
 * The `set-cookie` values among undici's raw headers, or null when there are
 * none (no allocation then). Names are compared by length and first byte before
 * any string is made: `Connection`, in nearly every answer, is 10 long too.
 */
export function findSetCookies(raw: readonly Buffer[]): string[] | null {
  let found: string[] | null = null;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length !== 10 || (name[0]! | 0x20) !== 0x73 || name.toString('latin1').toLowerCase() !== 'set-cookie') continue;
    (found ??= []).push(raw[i + 1]!.toString('latin1'));
  }
  return found;
}

/** `opts` with `cookie` added to its headers (joined to a `cookie` header the request already has); a new object, `opts` may be shared. */
export function withCookieHeader<T extends { headers: string[] }>(opts: T, cookie: string): T {
  const headers = opts.headers.slice();
  for (let i = 0; i + 1 < headers.length; i += 2) {
    if (headers[i]!.toLowerCase() === 'cookie') {
      headers[i + 1] = `${headers[i + 1]}; ${cookie}`;
      return { ...opts, headers };
    }
  }
  headers.push('cookie', cookie);
  return { ...opts, headers };
}
