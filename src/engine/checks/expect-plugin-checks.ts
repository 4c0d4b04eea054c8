/**
 * The checks of a step's `expect` that come from Artillery's expect plugin
 * and have no older agentload form: `notStatus` (the plugin's
 * `notStatusCode`), `cdnHit` and `jmespath`. Compiled once with the rest of
 * the step's checks (response-checks.ts); null for a step that has none of
 * them, so plain steps pay nothing.
 *
 *   expect:
 *     notStatus: [500, "{{ code }}"]    the status must be none of these (rendered per response)
 *     cdnHit: true                      a CDN cache header says HIT or STALE (false: MISS)  → expect_cdn
 *     jmespath: ["items[0].id == `7`"]  each expression is truthy on the JSON body          → expect_jmespath
 *
 * The jmespath library is loaded here, at compile time, only for a plan that
 * has a jmespath check: its parser also reports a bad expression at validate.
 */
import { createRequire } from 'node:module';
import { compileTemplate } from '../templates.ts';
import type { ResponseView, Template, VuVars } from '../contracts.ts';

type Fail = (message: string, yamlPath: string) => never;
/** What is used of the jmespath package (its types declare only search). */
interface Jmespath {
  search(doc: unknown, expression: string): unknown;
  compile(expression: string): unknown;
}

/** The cache headers the plugin reads: Cloudflare, CloudFront and Fastly, Vercel. */
const CACHE_HEADERS = ['cf-cache-status', 'x-cache', 'x-vercel-cache'];
const HIT_PREFIXES = ['hit', 'stale'];
const MISS_PREFIXES = ['miss'];

let jmespathLib: Jmespath | undefined;

function jmespath(): Jmespath {
  // A small library, but only plans with a jmespath check need it: validate and plain runs never load it.
  return (jmespathLib ??= createRequire(import.meta.url)('jmespath') as Jmespath);
}

/** One compiled JMESPath expression. */
interface JmesCheck {
  readonly source: string;
}

/** See the module comment. */
export class ExpectPluginChecks {
  readonly needsHeaders: boolean;
  readonly needsJson: boolean;

  constructor(
    /** Literal statuses the response must not have. */
    private readonly notStatuses: readonly number[],
    /** Templated ones, rendered per response. */
    private readonly notStatusTemplates: readonly Template[],
    /** Cache prefixes one of CACHE_HEADERS must start with (lower case), or null. */
    private readonly cachePrefixes: readonly string[] | null,
    private readonly jmes: readonly JmesCheck[],
  ) {
    this.needsHeaders = cachePrefixes !== null;
    this.needsJson = jmes.length > 0;
  }

  /** Whether `status` is one the step excludes; templated exclusions need the user's variables. */
  excludes(status: number, vars: VuVars | undefined): boolean {
    if (this.notStatuses.includes(status)) return true;
    if (vars === undefined) return false;
    for (const t of this.notStatusTemplates) if (Number(t.render(vars)) === status) return true;
    return false;
  }

  /** The first failed check's reason, or null. `doc` is the parsed JSON body (undefined when not JSON). */
  verify(res: ResponseView, doc: unknown): string | null {
    if (this.cachePrefixes !== null && !this.isCacheAsExpected(res, this.cachePrefixes)) return 'expect_cdn';
    if (this.jmes.length > 0) {
      // The plugin searches only a body that parsed to an object (or a list).
      if (doc === null || typeof doc !== 'object') return 'expect_jmespath';
      const lib = jmespath();
      for (const j of this.jmes) {
        let v: unknown;
        // The package exports no evaluator for a compiled tree: search parses the (short) expression per response.
        try {
          v = lib.search(doc, j.source);
        } catch {
          return 'expect_jmespath'; // a runtime error (e.g. a function given the wrong type) fails the check
        }
        // JavaScript truthiness, as the plugin tests the result: [] and {} pass.
        if (!v) return 'expect_jmespath';
      }
    }
    return null;
  }

  private isCacheAsExpected(res: ResponseView, prefixes: readonly string[]): boolean {
    for (const name of CACHE_HEADERS) {
      const v = res.header(name)?.toLowerCase();
      if (v !== undefined && prefixes.some((p) => v.startsWith(p))) return true;
    }
    return false;
  }
}

/** Compiles `notStatus`, `cdnHit` and `jmespath` of an `expect` (see the module comment); null when it has none. */
export function compileExpectPluginChecks(e: Record<string, unknown>, yamlPath: string, fail: Fail): ExpectPluginChecks | null {
  if (e.notStatus === undefined && e.cdnHit === undefined && e.jmespath === undefined) return null;
  const list = e.notStatus === undefined ? [] : Array.isArray(e.notStatus) ? e.notStatus : [e.notStatus];
  const literal: number[] = [];
  const templates: Template[] = [];
  list.forEach((s, i) => {
    if (typeof s === 'string' && s.includes('{{')) templates.push(compileTemplate(s, undefined, `${yamlPath}.expect.notStatus[${i}]`));
    else literal.push(Number(s));
  });
  const cachePrefixes = e.cdnHit === undefined ? null : e.cdnHit === true ? HIT_PREFIXES : MISS_PREFIXES;
  const sources = e.jmespath === undefined ? [] : Array.isArray(e.jmespath) ? e.jmespath : [e.jmespath];
  const jmes = sources.map((src, i): JmesCheck => {
    const source = String(src);
    try {
      jmespath().compile(source);
    } catch (err) {
      fail(`invalid JMESPath expression ${JSON.stringify(source)}: ${(err as Error).message}`, `${yamlPath}.expect.jmespath[${i}]`);
    }
    return { source };
  });
  return new ExpectPluginChecks(literal, templates, cachePrefixes, jmes);
}
