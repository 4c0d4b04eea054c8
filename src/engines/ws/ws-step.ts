/**
 * The compiled form of ws flow steps, and the pieces several steps share:
 * payloads (text or JSON, pre-encoded once when nothing is templated),
 * message matchers (JSON path or regex, through the shared checks), and
 * durations and ranges (which may name plan variables, rendered once at
 * load so environments can change a hold without touching the flow).
 */
import type { ClientOptions } from 'ws';
import type { ResponseChecks, StepCompileContext, StepFunction, Template, ValueTemplate, VuVars } from '../../engine/contracts.ts';

/** A message to send. `bytes` is set when nothing is templated: encoded once, sent as is by every VU. */
export interface Payload {
  readonly bytes: Buffer | null;
  readonly text: Template | null;
  readonly json: ValueTemplate | null;
}

/** Which messages a waitFor or an application ping accepts; both null = the next message. */
export interface Matcher {
  readonly checks: ResponseChecks | null;
  readonly regex: RegExp | null;
}

/** A probe: a protocol ping frame (payload null) or an application message paired with its reply. */
export interface Probe {
  readonly handle: number;
  readonly payload: Payload | null;
  readonly match: Matcher | null;
  readonly timeoutMs: number;
}

/** `connect`. `url` is completed against the run's target at engine init (ws/wss from http/https). */
export interface ConnectStep {
  readonly kind: 'connect';
  readonly url: Template;
  readonly query: ValueTemplate | null;
  readonly headers: ReadonlyArray<readonly [string, Template]>;
  readonly subprotocols: readonly string[];
  readonly timeoutMs: number;
  readonly isStatic: boolean;
  /** `onFailure: endScenario`: a connection that does not open ends the user's scenario (Artillery's ws scenarios). */
  readonly endsScenarioOnFailure: boolean;
  /** `function`: a processor function that may change the URL, subprotocols and options first (connect-function.ts); null for nearly every connect. */
  readonly fn: StepFunction | null;
  /** Set at engine init when nothing is templated: the URL and ws options every VU shares. */
  /** Run cache of a static connect, filled by prebuildConnect at its first use. */
  staticUrl: string | null;
  staticOptions: ClientOptions | null;
}

/** `send`. */
export interface SendStep {
  readonly kind: 'send';
  readonly handle: number;
  readonly payload: Payload;
  /** `onFailure: endScenario`: a send with no open connection ends the user's scenario (Artillery's ws send). */
  readonly endsScenarioOnFailure: boolean;
}

/** `waitFor`. `checks` are the step's own expect/capture, run on the matched message. */
export interface WaitStep {
  readonly kind: 'waitFor';
  readonly handle: number;
  readonly match: Matcher | null;
  readonly checks: ResponseChecks | null;
  readonly timeoutMs: number;
  /** `onFailure: endScenario`: a failure of this step ends the user's scenario (Artillery's ws match and capture). */
  readonly endsScenarioOnFailure: boolean;
}

/** `ping`. */
export interface PingStep {
  readonly kind: 'ping';
  readonly probe: Probe;
}

/** Keep-alive probes sent during a hold, every `everyMinMs`…`everyMaxMs` (uniformly random). */
export interface KeepAlive {
  readonly probe: Probe;
  readonly everyMinMs: number;
  readonly everyMaxMs: number;
}

/** `hold`: keep the connection open for `minMs`…`maxMs` (uniformly random per hold). */
export interface HoldStep {
  readonly kind: 'hold';
  readonly handle: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly keepAlive: KeepAlive | null;
}

/** `close`. */
export interface CloseStep {
  readonly kind: 'close';
  readonly code: number;
  readonly reason: string;
}

/** Any compiled ws step. */
export type WsStep = ConnectStep | SendStep | WaitStep | PingStep | HoldStep | CloseStep;

/** The default timeout of connect, waitFor and ping when neither the step nor config.ws sets one. */
export const DEFAULT_WS_TIMEOUT_MS = 10_000;

/** `config.ws` as the engine reads it. */
export interface WsConfig {
  timeout?: unknown;
  connectTimeout?: unknown;
  perMessageDeflate?: boolean;
}

/** Reads `config.ws` (validated by the schema; absent means defaults). */
export function wsConfig(ctx: StepCompileContext): WsConfig {
  const c = ctx.config.ws;
  return c !== null && typeof c === 'object' ? c : {};
}

/**
 * A duration that may be a template over plan variables (`"{{ holdFor }}"`),
 * rendered once here, never per VU: durations shape the schedule, and an
 * environment changing a variable is how profiles stretch a hold.
 */
export function durationMs(v: unknown, ctx: StepCompileContext, path: string): number {
  if (typeof v === 'string' && v.includes('{{')) {
    const rendered = ctx.template(v, path).render({ ...(ctx.config.variables ?? {}) }).trim();
    const asNumber = Number(rendered);
    return ctx.durationMs(rendered !== '' && Number.isFinite(asNumber) ? asNumber : rendered, path);
  }
  return ctx.durationMs(v, path);
}

/** A fixed duration or `{min, max}`, as [minMs, maxMs]. */
export function rangeMs(v: unknown, ctx: StepCompileContext, path: string): [number, number] {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const r = v as { min?: unknown; max?: unknown };
    const min = durationMs(r.min, ctx, `${path}.min`);
    const max = durationMs(r.max, ctx, `${path}.max`);
    if (max < min) ctx.fail(`expected max >= min, got min ${min}ms, max ${max}ms`, path);
    return [min, max];
  }
  const ms = durationMs(v, ctx, path);
  return [ms, ms];
}

/** A step's timeout: its own, else config.ws.timeout, else 10 s. */
export function timeoutMs(v: unknown, ctx: StepCompileContext, path: string, fallback?: unknown): number {
  const cfg = wsConfig(ctx);
  if (v !== undefined) return durationMs(v, ctx, `${path}.timeout`);
  if (fallback !== undefined) return durationMs(fallback, ctx, 'config.ws.connectTimeout');
  if (cfg.timeout !== undefined) return durationMs(cfg.timeout, ctx, 'config.ws.timeout');
  return DEFAULT_WS_TIMEOUT_MS;
}

/** `{ text }` or `{ json }` (or a bare string, as text); null when `raw` has neither. */
export function compilePayload(raw: Record<string, unknown>, ctx: StepCompileContext, path: string): Payload | null {
  if (raw.text !== undefined && raw.json !== undefined) ctx.fail('use `text` or `json`, not both', path);
  if (raw.text !== undefined) {
    const text = ctx.template(raw.text as string, `${path}.text`); // the schema: a string
    return { bytes: text.isStatic ? Buffer.from(text.source) : null, text, json: null };
  }
  if (raw.json !== undefined) {
    const json = ctx.valueTemplate(raw.json, `${path}.json`);
    return { bytes: json.isStatic ? Buffer.from(JSON.stringify(json.render({}))) : null, text: null, json };
  }
  return null;
}

/** The message to send for one VU: the pre-encoded bytes, or the rendered text. */
export function renderPayload(p: Payload, vars: VuVars): Buffer | string {
  if (p.bytes !== null) return p.bytes;
  if (p.text !== null) return p.text.render(vars);
  return JSON.stringify(p.json!.render(vars));
}

/**
 * `{ json: PATH, equals?, matches?, exists? }` or `{ regex }`. JSON matches
 * go through the shared checks (ctx.checks), so path syntax and equality
 * are the same as in HTTP expectations.
 */
export function compileMatch(raw: unknown, ctx: StepCompileContext, path: string): Matcher | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'object' || Array.isArray(raw)) ctx.fail(`expected a match like { json: message_type, equals: pong } or { regex: "…" }, got ${JSON.stringify(raw)}`, path);
  const m = raw as Record<string, unknown>;
  if ((m.json === undefined) === (m.regex === undefined)) ctx.fail('a match needs exactly one of `json` (a path) or `regex`', path);
  if (m.regex !== undefined) {
    try {
      return { checks: null, regex: new RegExp(m.regex as string) }; // the schema: a string
    } catch (e) {
      return ctx.fail(`invalid regular expression ${JSON.stringify(m.regex)}: ${(e as Error).message}`, `${path}.regex`);
    }
  }
  const check: Record<string, unknown> = { path: m.json };
  for (const k of ['equals', 'matches', 'exists'] as const) if (k in m) check[k] = m[k];
  return { checks: ctx.checks({ json: [check] }, undefined, path), regex: null };
}

/** Compiles a probe (ping step or keep-alive): no payload → protocol ping frame; a payload needs a match. */
export function compileProbe(raw: Record<string, unknown>, ctx: StepCompileContext, path: string, handle: number): Probe {
  const payload = compilePayload(raw, ctx, path);
  const match = compileMatch(raw.match, ctx, `${path}.match`);
  if (payload !== null && match === null) ctx.fail('an application ping needs `match`: the reply it expects, e.g. { json: message_type, equals: pong }', path);
  if (payload === null && match !== null) ctx.fail('`match` needs `json` or `text`: the message to send (without them the ping is a protocol ping frame)', path);
  return { handle, payload, match, timeoutMs: timeoutMs(raw.timeout, ctx, path) };
}
