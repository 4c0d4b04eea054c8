/**
 * Compiles `call` and `batch` steps once, at plan-compile time.
 *
 * A call's request body is split around its id, the only part that changes
 * per attempt:
 *
 *   {"jsonrpc":"2.0","method":"tools.execute","params":{…},"id":  ← head
 *   17                                                              ← spliced per attempt
 *   }                                                               ← tail
 *
 * When no call of the step has a templated param, the step's body parts are
 * Buffers built here (`staticParts`), shared by every request; a batch is the
 * same with `[` … `},` … `}]` joining its calls. Templated params are
 * rendered per request (not per retry) and serialised then.
 */
import type { OutcomeRules, ResponseChecks, StepCompileContext, StepInput, Template, ValueTemplate } from '../../engine/contracts.ts';
import { compileRetry, type RetryPolicy } from './rpc-retry.ts';
import { DEFAULT_RPC_OUTCOMES } from '../../engine/checks/jsonrpc-verdict.ts';

/** `config.rpcPath` default: AgentCore's endpoint. */
export const DEFAULT_RPC_PATH = '/api/v1/jsonrpc';
const DEFAULT_TIMEOUT_MS = 10_000;

/** One JSON-RPC call of a step (a `call` step has one, a `batch` several). */
export interface RpcCall {
  readonly handle: number;
  readonly name: string;
  /** `{"jsonrpc":"2.0","method":…[,"params":…],"id":` when params are static, else null. */
  readonly staticHead: string | null;
  readonly methodJson: string;
  readonly params: ValueTemplate | null;
  /** Fixed id (`7`, `"a"`); null: rendered from idTemplate, or auto-numbered when that is null too. */
  readonly fixedId: number | string | null;
  readonly idTemplate: ValueTemplate | null;
  /** Identifier known at compile time (static params.identifier). */
  readonly staticIdentifier: string | null;
  /** `accountBy` template; wins over params.identifier (`accountBy: false` turns accounting off). */
  readonly accountBy: Template | null;
  /** True when the identifier must be read from params rendered per request. */
  readonly isIdentifierFromParams: boolean;
  readonly checks: ResponseChecks | null;
  readonly outcomes: OutcomeRules;
}

/** A compiled `call` or `batch` step. */
export interface RpcStep {
  /** Some call's id is given (fixed or templated): auto-numbered ids skip the ones in use. */
  readonly hasFixedIds: boolean;
  readonly isBatch: boolean;
  readonly calls: readonly RpcCall[];
  /** Body parts around the ids when every call is static (calls.length + 1 Buffers), else null. */
  readonly staticParts: readonly Buffer[] | null;
  readonly retry: RetryPolicy | null;
  readonly timeoutMs: number;
  /** Extra request headers (templated), lower-case names; config.headers merged under the step's. */
  readonly headers: ReadonlyArray<readonly [string, Template]>;
  /** The flat undici header list when no header is templated (content-type first), else null. */
  readonly staticHeaderList: readonly string[] | null;
  readonly isWs: boolean;
  /** True when a response header is read (checks, Retry-After). */
  readonly needsHeaders: boolean;
  /** `config.rateLimitKey` when the plan checks `expect.rateLimit`, else null (nothing recorded). */
  readonly rateLimitKey: Template | null;
  /**
   * True for a single call over HTTP with no expect or capture: its answer's verdict needs only the
   * envelope (jsonrpc, id, error), so the result is scanned, not built (rpc-envelope-scan.ts).
   */
  readonly isEnvelopeOnly: boolean;
}

const CALL_KEYS = new Set(['method', 'params', 'name', 'id', 'tags', 'expect', 'capture', 'outcomes', 'accountBy']);
const STEP_KEYS = new Set(['retry', 'timeout', 'headers', 'transport']);

function obj(v: unknown): Record<string, unknown> | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

function defaultName(method: string, params: unknown): string {
  const toolId = obj(params)?.tool_id;
  return method === 'tools.execute' && typeof toolId === 'string' && !toolId.includes('{{') ? `tools.execute (${toolId})` : method;
}

function compileCall(raw: Record<string, unknown>, ctx: StepCompileContext, p: string, extraKeys: ReadonlySet<string>): RpcCall {
  for (const k of Object.keys(raw)) if (!CALL_KEYS.has(k) && !extraKeys.has(k)) ctx.fail(`unknown key "${k}" in a JSON-RPC call; expected one of ${[...CALL_KEYS, ...extraKeys].join(', ')}`, `${p}.${k}`);
  if (typeof raw.method !== 'string' || raw.method === '') ctx.fail('a JSON-RPC call needs a method, e.g. method: tools.execute', p);
  const method = raw.method;
  if (raw.params !== undefined && obj(raw.params) === null && !Array.isArray(raw.params)) ctx.fail(`expected params to be an object or a list, got ${JSON.stringify(raw.params)}`, `${p}.params`);
  const params = raw.params === undefined ? null : ctx.valueTemplate(raw.params, `${p}.params`);
  const methodJson = JSON.stringify(method);
  const staticHead = params === null ? `{"jsonrpc":"2.0","method":${methodJson},"id":`
    : params.isStatic ? `{"jsonrpc":"2.0","method":${methodJson},"params":${JSON.stringify(raw.params)},"id":` : null;
  let fixedId: number | string | null = null;
  let idTemplate: ValueTemplate | null = null;
  if (raw.id !== undefined) {
    if (typeof raw.id !== 'string' && !Number.isInteger(raw.id)) ctx.fail(`expected id to be a string or an integer, got ${JSON.stringify(raw.id)}`, `${p}.id`);
    const t = ctx.valueTemplate(raw.id, `${p}.id`);
    if (t.isStatic) fixedId = raw.id as number | string;
    else idTemplate = t;
  }
  const tags: Record<string, string> = {};
  if (raw.tags !== undefined) {
    if (obj(raw.tags) === null) ctx.fail(`expected tags to be a map like {class: light}, got ${JSON.stringify(raw.tags)}`, `${p}.tags`);
    for (const [k, v] of Object.entries(raw.tags as Record<string, unknown>)) tags[k] = String(v);
  }
  const name = typeof raw.name === 'string' && raw.name !== '' ? raw.name : defaultName(method, raw.params);
  // `accountBy: false` opts a call out (e.g. a status query that succeeds whatever the quota).
  const identifier = raw.accountBy === false ? undefined : obj(raw.params)?.identifier;
  const accountBy = raw.accountBy === undefined || raw.accountBy === false ? null : ctx.template(raw.accountBy as string, `${p}.accountBy`) /* the schema: a string or false */;
  return {
    handle: ctx.sink.handle(name, tags),
    name, staticHead, methodJson, params, fixedId, idTemplate,
    staticIdentifier: accountBy === null && typeof identifier === 'string' && !identifier.includes('{{') ? identifier : null,
    accountBy,
    isIdentifierFromParams: accountBy === null && typeof identifier === 'string' && identifier.includes('{{'),
    checks: ctx.checks(raw.expect, raw.capture, p),
    outcomes: ctx.outcomes(raw.outcomes, DEFAULT_RPC_OUTCOMES, p),
  };
}

/** Joins call heads into the parts that surround the ids: `[h0`, `},h1`, …, `}]`. */
export function joinParts(heads: readonly string[], isBatch: boolean): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < heads.length; i++) out.push(Buffer.from((i === 0 ? (isBatch ? '[' : '') : '},') + heads[i]));
  out.push(Buffer.from(isBatch ? '}]' : '}'));
  return out;
}

function compileHeaders(ctx: StepCompileContext, stepHeaders: unknown, p: string): Array<readonly [string, Template]> {
  const merged = new Map<string, Template>();
  const add = (raw: unknown, path: string): void => {
    if (raw === undefined) return;
    if (obj(raw) === null) ctx.fail(`expected headers to be a map of name → value, got ${JSON.stringify(raw)}`, path);
    for (const [k, v] of Object.entries(raw as Record<string, unknown>)) merged.set(k.toLowerCase(), ctx.template(String(v), `${path}.${k}`));
  };
  add(ctx.config.headers, 'config.headers');
  add(stepHeaders, `${p}.headers`);
  return [...merged];
}

/** The flat [name, value, …] list undici takes, content-type first. Per request only when a header is templated. */
export function renderHeaders(headers: ReadonlyArray<readonly [string, Template]>, vars: Record<string, unknown>): string[] {
  const out = ['content-type', 'application/json'];
  for (const [k, t] of headers) {
    if (k === 'content-type') out[1] = t.render(vars);
    else out.push(k, t.render(vars));
  }
  return out;
}

/** See the module comment. `key` is `call` or `batch`. */
export function compileRpcStep(key: string, step: StepInput, ctx: StepCompileContext): RpcStep {
  const p = ctx.yamlPath;
  const raw = obj(step[key]);
  if (raw === null) ctx.fail(key === 'call' ? 'expected call to be a map with at least a method' : 'expected batch to be a map with a list of calls', p);
  const isBatch = key === 'batch';
  let calls: RpcCall[];
  if (isBatch) {
    for (const k of Object.keys(raw)) if (k !== 'calls' && !STEP_KEYS.has(k)) ctx.fail(`unknown key "${k}" in a batch; expected calls, ${[...STEP_KEYS].join(', ')}`, `${p}.${k}`);
    if (!Array.isArray(raw.calls) || raw.calls.length === 0) ctx.fail('a batch needs a non-empty list of calls', `${p}.calls`);
    calls = (raw.calls as unknown[]).map((c, i) => {
      if (obj(c) === null) ctx.fail(`expected a call {method, params, …}, got ${JSON.stringify(c)}`, `${p}.calls[${i}]`);
      return compileCall(c as Record<string, unknown>, ctx, `${p}.calls[${i}]`, new Set());
    });
    const fixed = calls.map((c) => c.fixedId).filter((x) => x !== null);
    if (new Set(fixed).size !== fixed.length) ctx.fail('the calls of a batch need distinct ids (or no id: they are numbered automatically)', `${p}.calls`);
  } else {
    calls = [compileCall(raw, ctx, p, STEP_KEYS)];
  }
  const transport = raw.transport ?? ctx.config.rpcTransport ?? 'http';
  if (transport !== 'http' && transport !== 'ws') ctx.fail(`expected transport http or ws, got ${JSON.stringify(transport)}`, `${p}.transport`);
  const httpConfig = (ctx.config.http ?? {}) as Record<string, unknown>;
  const timeout = raw.timeout ?? httpConfig.timeout;
  const headers = compileHeaders(ctx, raw.headers, p);
  const retry = compileRetry(raw.retry, ctx, `${p}.retry`);
  const heads = calls.map((c) => c.staticHead);
  return {
    isBatch,
    hasFixedIds: calls.some((c) => c.fixedId !== null || c.idTemplate !== null),
    calls,
    staticParts: heads.every((h) => h !== null) ? joinParts(heads, isBatch) : null,
    retry,
    timeoutMs: timeout === undefined ? DEFAULT_TIMEOUT_MS : ctx.durationMs(timeout, `${p}.timeout`),
    headers,
    staticHeaderList: headers.every(([, t]) => t.isStatic) ? renderHeaders(headers, {}) : null,
    isWs: transport === 'ws',
    needsHeaders: retry !== null || (ctx.rateLimitKey ?? null) !== null || calls.some((c) => c.checks !== null && c.checks.needsHeaders),
    rateLimitKey: ctx.rateLimitKey ?? null,
    isEnvelopeOnly: !isBatch && transport === 'http' && calls[0]!.checks === null,
  };
}
