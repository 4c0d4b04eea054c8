/**
 * Compiles one HTTP flow step (get/post/put/patch/delete/head) once, at
 * plan-compile time: URL, query, headers and body become templates, and a
 * step with no template at all becomes one pre-built dispatch-options object
 * (body serialised to a Buffer) shared by every request it sends.
 */
import type { PoolDispatchOpts } from '../../engine/transport/client-pool.ts';
import type { OutcomeRules, ResponseChecks, StepCompileContext, StepInput, Template, ValueTemplate } from '../../engine/contracts.ts';

/** What undici's dispatch receives (through the ClientPool). */
export type DispatchOpts = PoolDispatchOpts;

/** A compiled HTTP step. `staticOpts` is set at engine init when nothing is templated. */
export interface HttpStep {
  readonly handle: number;
  readonly method: string;
  readonly url: Template;
  readonly qs: ValueTemplate | null;
  readonly headers: ReadonlyArray<readonly [string, Template]>;
  readonly json: ValueTemplate | null;
  readonly body: Template | null;
  readonly timeoutMs: number;
  readonly checks: ResponseChecks | null;
  readonly outcomes: OutcomeRules;
  readonly isStatic: boolean;
  /** `config.rateLimitKey` when the plan checks `expect.rateLimit`, else null (nothing recorded). */
  readonly rateLimitKey: Template | null;
  staticOpts: DispatchOpts | null;
  staticOrigin: string | null;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** Parses `config.http.timeout` or a step's `timeout` to ms (default 10 s). */
export function timeoutMs(v: unknown, ctx: StepCompileContext, yamlPath: string): number {
  return v === undefined ? DEFAULT_TIMEOUT_MS : ctx.durationMs(v, yamlPath);
}

/** See the module comment. */
export function compileHttpStep(key: string, step: StepInput, ctx: StepCompileContext, defaults: OutcomeRules): HttpStep {
  const p = ctx.yamlPath;
  const raw = step[key];
  const req = (typeof raw === 'string' ? { url: raw } : raw) as Record<string, unknown>;
  if (req === null || typeof req !== 'object' || typeof req.url !== 'string') ctx.fail('an HTTP step needs a url', p);
  const method = key.toUpperCase();
  const url = ctx.template(req.url as string, `${p}.url`);
  const qs = req.qs === undefined ? null : ctx.valueTemplate(req.qs, `${p}.qs`);
  const json = req.json === undefined ? null : ctx.valueTemplate(req.json, `${p}.json`);
  const body = req.body === undefined ? null : ctx.template(String(req.body), `${p}.body`);
  const headerEntries = Object.entries((req.headers ?? {}) as Record<string, unknown>)
    .map(([k, v]) => [k.toLowerCase(), ctx.template(String(v), `${p}.headers.${k}`)] as const);
  if (json !== null && !headerEntries.some(([k]) => k === 'content-type')) {
    headerEntries.push(['content-type', ctx.template('application/json', p)]);
  }
  const name = typeof req.name === 'string' ? req.name : `${method} ${req.url as string}`;
  const config = (ctx.config.http ?? {}) as Record<string, unknown>;
  const isStatic = url.isStatic && (qs?.isStatic ?? true) && (json?.isStatic ?? true) && (body?.isStatic ?? true) &&
    headerEntries.every(([, t]) => t.isStatic);
  return {
    handle: ctx.sink.handle(name),
    method, url, qs, json, body,
    headers: headerEntries,
    timeoutMs: timeoutMs(req.timeout ?? config.timeout, ctx, `${p}.timeout`),
    checks: ctx.checks(req.expect, req.capture, p),
    outcomes: ctx.outcomes(req.outcomes, defaults, p),
    isStatic,
    rateLimitKey: ctx.rateLimitKey ?? null,
    staticOpts: null,
    staticOrigin: null,
  };
}
