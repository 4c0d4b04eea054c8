/**
 * Compiles one HTTP flow step (get/post/put/patch/delete/head) once, at
 * plan-compile time: URL, query, headers and body become templates, and a
 * step with no template at all becomes one pre-built dispatch-options object
 * (body serialised to a Buffer) shared by every request it sends.
 */
import type { PoolDispatchOpts } from '../../engine/transport/client-pool.ts';
import type { OutcomeRules, RequestHooks, ResponseChecks, StepCompileContext, StepInput, Template, ValueTemplate } from '../../engine/contracts.ts';
import { DEFAULT_RPC_OUTCOMES } from '../../engine/checks/jsonrpc-verdict.ts';
import { RPC_NONE, rpcIdsOf, rpcKindOf } from './jsonrpc-body.ts';
import { DEFAULT_MAX_REDIRECTS } from './redirect.ts';
import { compileForm, type MultipartForm } from './multipart-body.ts';
import { EXPECT_PLUGIN_CHECKS, ExpectPluginTally } from '../../engine/metrics/expect-plugin-tally.ts';

/** What undici's dispatch receives (through the ClientPool). */
export type DispatchOpts = PoolDispatchOpts;

/** A compiled HTTP step. When nothing is templated, `staticOpts` is built at its first request (build-request.ts). */
export interface HttpStep {
  readonly handle: number;
  readonly method: string;
  readonly url: Template;
  readonly qs: ValueTemplate | null;
  readonly headers: ReadonlyArray<readonly [string, Template]>;
  readonly json: ValueTemplate | null;
  readonly body: Template | null;
  /** `formData` as a multipart body (multipart-body.ts), or null. */
  readonly form: MultipartForm | null;
  readonly timeoutMs: number;
  readonly checks: ResponseChecks | null;
  /** `failedCheckEndsScenario`: a failed check ends the user's scenario (Artillery's reportFailuresAsErrors). */
  readonly isCheckFatal: boolean;
  /** Counts Artillery's plugins.expect.* for checks that came from its expect plugin; null otherwise. */
  readonly expectTally: ExpectPluginTally | null;
  readonly outcomes: OutcomeRules;
  readonly isStatic: boolean;
  /** `config.rateLimitKey` when the plan checks `expect.rateLimit`, else null (nothing recorded). */
  readonly rateLimitKey: Template | null;
  /** RPC_NONE, or RPC_SINGLE / RPC_BATCH when the json body is JSON-RPC 2.0 (jsonrpc-body.ts) and `jsonrpc` is not false. */
  readonly rpcKind: number;
  /** The JSON-RPC ids the static body carries (notifications left out); null when json is templated (read per request). */
  readonly rpcIds: readonly unknown[] | null;
  /** True when the response body is read: JSON-RPC classification, or checks that read it. */
  readonly collectsBody: boolean;
  /** The request's `cookie:` pairs, added to the user's jar before it is sent (user-cookies.ts); null for nearly every step. */
  readonly cookies: ReadonlyArray<readonly [string, Template]> | null;
  /** Most redirects followed (redirect.ts): `config.http.maxRedirects`, 0 with `followRedirect: false`. */
  readonly maxRedirects: number;
  /** The metric name (for processor hooks' `req.name`). */
  readonly name: string;
  /** beforeRequest / afterResponse processor functions (hooked-request.ts); null for nearly every step. */
  readonly hooks: RequestHooks | null;
  /** Run cache of a static step, filled by prebuildRequest: the compiled step itself does not depend on the target. */
  staticOpts: DispatchOpts | null;
  staticOrigin: string | null;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** Parses `config.http.timeout` or a step's `timeout` to ms (default 10 s). */
export function timeoutMs(v: unknown, ctx: StepCompileContext, yamlPath: string): number {
  return v === undefined ? DEFAULT_TIMEOUT_MS : ctx.durationMs(v, yamlPath);
}

/** `auth: {user, pass}` (templates allowed) as a Basic `authorization` header, rendered per request only when templated. */
function basicAuth(auth: Record<string, unknown>, ctx: StepCompileContext, yamlPath: string): Template {
  const user = ctx.template((auth.user ?? '') as string, `${yamlPath}.user`) /* the schema: strings */;
  const pass = ctx.template((auth.pass ?? '') as string, `${yamlPath}.pass`);
  const encode = (vars: Parameters<Template['render']>[0]): string => `Basic ${Buffer.from(`${user.render(vars)}:${pass.render(vars)}`).toString('base64')}`;
  const isStatic = user.isStatic && pass.isStatic;
  const fixed = isStatic ? encode({}) : '';
  return { isStatic, source: `auth ${user.source}`, render: isStatic ? () => fixed : encode };
}

/** See the module comment. */
export function compileHttpStep(key: string, step: StepInput, ctx: StepCompileContext, defaults: OutcomeRules): HttpStep {
  const p = ctx.yamlPath;
  const raw = step[key];
  const req = (typeof raw === 'string' ? { url: raw } : raw) as Record<string, unknown>;
  if (req === null || typeof req !== 'object' || typeof req.url !== 'string') ctx.fail('an HTTP step needs a url', p);
  if (req.jsonrpc !== undefined && typeof req.jsonrpc !== 'boolean') ctx.fail(`expected jsonrpc to be true or false, got ${JSON.stringify(req.jsonrpc)}`, `${p}.jsonrpc`);
  const rpcKind = req.jsonrpc === false ? RPC_NONE : rpcKindOf(req.json);
  if (req.jsonrpc === true && rpcKind === RPC_NONE) ctx.fail('jsonrpc: true needs a json body that is a JSON-RPC 2.0 request (jsonrpc: "2.0" and a method, as literals) or a list of them', `${p}.json`);
  const method = key.toUpperCase();
  const url = ctx.template(req.url, `${p}.url`);
  const qs = req.qs === undefined ? null : ctx.valueTemplate(req.qs, `${p}.qs`);
  const json = req.json === undefined ? null : ctx.valueTemplate(req.json, `${p}.json`);
  const body = req.body === undefined ? null : ctx.template(req.body as string, `${p}.body`) /* the schema: a string */;
  if (req.formData !== undefined && (req.json !== undefined || req.body !== undefined)) ctx.fail('use only one of "json", "body", "formData"', `${p}.formData`);
  const form = req.formData === undefined ? null : compileForm(req.formData as Record<string, unknown>, ctx, p);
  const headerEntries: Array<readonly [string, Template]> = Object.entries((req.headers ?? {}) as Record<string, unknown>)
    .map(([k, v]) => [k.toLowerCase(), ctx.template(String(v), `${p}.headers.${k}`)] as const);
  if (form !== null && !headerEntries.some(([k]) => k === 'content-type')) headerEntries.push(['content-type', ctx.template(form.contentType, p)]);
  if (req.auth !== undefined && !headerEntries.some(([k]) => k === 'authorization')) headerEntries.push(['authorization', basicAuth(req.auth as Record<string, unknown>, ctx, `${p}.auth`)]);
  if (json !== null && !headerEntries.some(([k]) => k === 'content-type')) {
    headerEntries.push(['content-type', ctx.template('application/json', p)]);
  }
  const name = typeof req.name === 'string' ? req.name : `${method} ${req.url}`;
  const config = (ctx.config.http ?? {}) as Record<string, unknown>;
  const cookies = req.cookie === undefined ? null : Object.entries(req.cookie as Record<string, unknown>)
    .map(([k, v]) => [k, ctx.template(String(v), `${p}.cookie.${k}`)] as const);
  const isStatic = url.isStatic && (qs?.isStatic ?? true) && (json?.isStatic ?? true) && (body?.isStatic ?? true) && (form?.isStatic ?? true) &&
    headerEntries.every(([, t]) => t.isStatic);
  const checks = ctx.checks(req.expect, req.capture, p);
  const hooks = ctx.requestHooks?.(req.beforeRequest, req.afterResponse, p) ?? null;
  return {
    handle: ctx.sink.handle(name),
    method, url, qs, json, body, form,
    headers: headerEntries,
    timeoutMs: timeoutMs(req.timeout ?? config.timeout, ctx, `${p}.timeout`),
    checks,
    isCheckFatal: checks !== null && req.failedCheckEndsScenario === true,
    expectTally: checks === null ? null : ExpectPluginTally.of((req as Record<symbol, unknown>)[EXPECT_PLUGIN_CHECKS]),
    // A JSON-RPC body gets tool-rpc's expected outcomes (429, -32001 → rate_limited; -32005 → quota_exceeded).
    outcomes: ctx.outcomes(req.outcomes, rpcKind === RPC_NONE ? defaults : DEFAULT_RPC_OUTCOMES, p),
    // Hooks may change any part of a request, so a hooked step is built per request.
    isStatic: isStatic && hooks === null,
    rateLimitKey: ctx.rateLimitKey ?? null,
    rpcKind,
    rpcIds: rpcKind !== RPC_NONE && json!.isStatic ? rpcIdsOf(req.json, rpcKind) : null,
    collectsBody: rpcKind !== RPC_NONE || (checks !== null && checks.needsBody) || (hooks !== null && hooks.hasAfter),
    name,
    hooks,
    cookies: cookies !== null && cookies.length > 0 ? cookies : null,
    maxRedirects: req.followRedirect === false ? 0 : typeof config.maxRedirects === 'number' ? config.maxRedirects : DEFAULT_MAX_REDIRECTS,
    staticOpts: null,
    staticOrigin: null,
  };
}
