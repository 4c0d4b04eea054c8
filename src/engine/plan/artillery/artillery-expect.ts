/**
 * Artillery's expect plugin (artillery-plugin-expect) read at load time:
 * its options under `config.plugins.expect`, and each request's `expect`
 * checks (a map, or a list of one-key maps) rewritten into agentload's step
 * `expect` (schemas/engines/http.json). The checks themselves run in
 * src/engine/checks/. See docs/artillery.md, Plugins.
 */

import { EXPECT_PLUGIN_CHECKS } from '../../metrics/expect-plugin-tally.ts';

type Segs = Array<string | number>;

/** Plugin checks; an object with any of them (or a list) is the plugin's form. `contentType` is agentload's own key too. */
const EXPECT_PLUGIN_KEYS = new Set(['statusCode', 'notStatusCode', 'hasProperty', 'notHasProperty', 'equals', 'matchesRegexp', 'hasHeader', 'headerEquals', 'jmespath', 'jpath', 'cdnHit']);

const SUPPORTED = 'statusCode, notStatusCode, contentType, hasProperty, notHasProperty, hasHeader, headerEquals, matchesRegexp, equals, cdnHit or jmespath';

/** The plugin's options that change what runs. */
export interface ExpectOptions {
  /** `expectDefault200`: a request with no checks gets `statusCode: 200`. */
  readonly expectDefault200: boolean;
  /** `reportFailuresAsErrors`: a failed check ends the user's scenario (the plugin's error does). */
  readonly isFailureFatal: boolean;
}

/** What rewriting a request's checks needs from the script. */
export interface ExpectRewriteContext {
  /** Whether the plugin is enabled (config or the selected environment); Artillery ignores `expect` otherwise. */
  readonly isExpectOn: boolean;
  readonly expectOptions: ExpectOptions;
  unsupported(message: string, path: Segs, isKey?: boolean): void;
  /** `to` (as rewritten) is written at `from` in the file: for error positions. */
  alias(to: Segs, from: Segs): void;
}

/**
 * Reads `plugins.expect` of config and of the selected environment (its
 * keys win, as an environment's do). An output format agentload has no
 * equivalent for is reported at its key.
 */
export function readExpectOptions(config: Record<string, unknown>, selected: Record<string, unknown>, envAt: Segs, report: (message: string, path: Segs) => void): ExpectOptions {
  let expectDefault200 = false;
  let isFailureFatal = false;
  for (const [holder, at] of [[config, ['config']], [selected, envAt]] as Array<[Record<string, unknown>, Segs]>) {
    const plugins = holder.plugins;
    const options = isRecord(plugins) && isRecord(plugins.expect) ? plugins.expect : null;
    if (options === null) continue;
    if (options.expectDefault200 !== undefined) expectDefault200 = options.expectDefault200 === true || options.expectDefault200 === 'true';
    if (options.reportFailuresAsErrors !== undefined) isFailureFatal = options.reportFailuresAsErrors === true || options.reportFailuresAsErrors === 'true';
    for (const key of ['outputFormat', 'formatter']) {
      // pretty, prettyError and silent only print; a json formatter is a machine-readable stream someone reads.
      if (options[key] === 'json') report(`the expect plugin's ${key}: json (one JSON line per request's checks) is not supported yet; write the result with -o FILE: it counts failed checks per request name and cause, with sample answers`, [...at, 'plugins', 'expect', key]);
    }
  }
  return { expectDefault200, isFailureFatal };
}

/** Whether `e` is written in the plugin's form. */
function isPluginExpect(e: unknown): boolean {
  return Array.isArray(e) || (isRecord(e) && Object.keys(e).some((k) => EXPECT_PLUGIN_KEYS.has(k)));
}

/** An expected status: a number, or a template rendered per response (`"{{ code }}"`). */
function statusOf(v: unknown): number | string {
  return typeof v === 'string' && v.includes('{{') ? v : Number(v);
}

function statusesOf(v: unknown): number | string | Array<number | string> {
  return Array.isArray(v) ? v.map(statusOf) : statusOf(v);
}

/** The plugin's checks on one request (at `at`) as agentload's step `expect`; `req.expect` is replaced. */
export function rewriteExpect(req: Record<string, unknown>, at: Segs, ctx: ExpectRewriteContext): void {
  if (req.expect === undefined) {
    if (ctx.isExpectOn && ctx.expectOptions.expectDefault200) {
      req.expect = { status: 200 };
      (req as Record<symbol, unknown>)[EXPECT_PLUGIN_CHECKS] = [['statusCode', 'statusCode']];
    }
    if (req.expect !== undefined && ctx.expectOptions.isFailureFatal) req.failedCheckEndsScenario = true;
    return;
  }
  if (!isPluginExpect(req.expect)) {
    // agentload's own form (contentType alone, or a legacy match): the plugin checks it all the same.
    if (ctx.isExpectOn && ctx.expectOptions.isFailureFatal) req.failedCheckEndsScenario = true;
    return;
  }
  if (!ctx.isExpectOn) {
    // Artillery only checks these when the expect plugin is enabled.
    delete req.expect;
    return;
  }
  const items: Array<[string, unknown, Segs]> = Array.isArray(req.expect)
    ? req.expect.flatMap((e, i) => (isRecord(e) ? Object.entries(e).map(([k, v]) => [k, v, [...at, 'expect', i, k]] as [string, unknown, Segs]) : []))
    : Object.entries(req.expect as Record<string, unknown>).map(([k, v]) => [k, v, [...at, 'expect', k]] as [string, unknown, Segs]);
  if (items.length === 0 && ctx.expectOptions.expectDefault200) items.push(['statusCode', 200, [...at, 'expect']]);
  const out: Record<string, unknown> = {};
  const json: unknown[] = [];
  const headers: unknown[] = [];
  const jmespath: string[] = [];
  for (const [key, value, path] of items) {
    const isTemplated = JSON.stringify(value).includes('{{');
    // The plugin renders every expected value as a template: agentload's expect takes templates in these.
    if (key === 'statusCode') out.status = statusesOf(value);
    else if (key === 'notStatusCode') out.notStatus = statusesOf(value);
    else if (key === 'contentType') out.contentType = String(value);
    else if (key === 'hasHeader') headers.push({ name: String(value) });
    else if (key === 'headerEquals' && Array.isArray(value) && value.length > 0) headers.push({ name: String(value[0]), equals: String(value[1] ?? '') });
    else if (key === 'cdnHit') out.cdnHit = value === 'false' ? false : Boolean(value); // the plugin tests it as JavaScript does; "false" as Artillery's schema means it
    else if ((key === 'jmespath' || key === 'jpath') && typeof value === 'string') {
      ctx.alias([...at, 'expect', 'jmespath', jmespath.length], path); // a parse error is reported where it is written
      jmespath.push(value); // the plugin does not render these
    }
    else if (key === 'description') continue; // the plugin's label for a jmespath check in its printed output
    else if ((key === 'matchesRegexp' && !('bodyMatches' in out)) || (key === 'equals' && Array.isArray(value) && !('allEqual' in out))) {
      if (key === 'matchesRegexp') out.bodyMatches = String(value);
      else if (isTemplated || new Set((value as unknown[]).map(String)).size > 1) out.allEqual = (value as unknown[]).map(String); // literal and all equal: always holds
    } else if (isTemplated && (key === 'hasProperty' || key === 'notHasProperty')) {
      ctx.unsupported(`a templated expect ${key} is not supported yet; write the literal property path`, path);
    } else if (key === 'hasProperty' || key === 'notHasProperty') json.push({ path: `$.${String(value)}`, exists: key === 'hasProperty' });
    else ctx.unsupported(`expect ${key}${key === 'matchesRegexp' || key === 'equals' ? ' a second time on one request' : ''} is not supported yet; use ${SUPPORTED}`, path);
  }
  // What the plugin counts per check (plugins.expect.ok.<type>, expect-plugin-tally.ts), by its type names.
  (req as Record<symbol, unknown>)[EXPECT_PLUGIN_CHECKS] = items
    .filter(([key]) => EXPECT_PLUGIN_KEYS.has(key) || key === 'contentType')
    .map(([key, value]) => [key, key === 'headerEquals' && Array.isArray(value) ? `header ${String(value[0])} values equals` : key]);
  if (json.length > 0) out.json = json;
  if (headers.length > 0) out.headers = headers;
  if (jmespath.length > 0) out.jmespath = jmespath;
  req.expect = out;
  if (Object.keys(out).length === 0) delete req.expect;
  else if (ctx.expectOptions.isFailureFatal) req.failedCheckEndsScenario = true;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
