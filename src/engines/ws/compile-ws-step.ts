/**
 * Compiles one ws flow step (connect, send, waitFor, ping, hold, close)
 * once, at plan-compile time. Pure; bad input throws a located PlanError
 * through ctx.fail. Metric handles are resolved here, so the hot path never
 * builds a name.
 */
import type { StepCompileContext, StepInput } from '../../engine/contracts.ts';
import { WS_CONNECTING, WS_HOLD, WS_MESSAGE, WS_PING, WS_SEND } from '../../engine/metrics/names.ts';
import {
  compileMatch, compilePayload, compileProbe, rangeMs, timeoutMs, wsConfig,
  type ConnectStep, type HoldStep, type KeepAlive, type WsStep,
} from './ws-step.ts';

/** The flow keys of the ws engine. */
export const WS_STEP_KEYS = ['connect', 'send', 'waitFor', 'ping', 'hold', 'close'] as const;

const SUBPROTOCOL = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** `null`, `true` or a missing value mean "all defaults"; anything else must be a mapping. */
function asObject(raw: unknown, ctx: StepCompileContext, what: string): Record<string, unknown> {
  if (raw === null || raw === undefined || raw === true) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) ctx.fail(`expected ${what}, got ${JSON.stringify(raw)}`, ctx.yamlPath);
  return raw as Record<string, unknown>;
}

function handle(ctx: StepCompileContext, name: unknown, fallback: string): number {
  return ctx.sink.handle(typeof name === 'string' && name !== '' ? name : fallback);
}

function compileConnect(raw: unknown, ctx: StepCompileContext): ConnectStep {
  const p = ctx.yamlPath;
  const c = typeof raw === 'string' ? { url: raw } : asObject(raw, ctx, 'a connect like { url: /ws/events }');
  if (typeof c.url !== 'string' || c.url === '') ctx.fail('connect needs a url, e.g. /ws/events?subscriber_id={{ vu }}', p);
  const url = ctx.template(c.url, `${p}.url`);
  const query = c.query === undefined ? null : ctx.valueTemplate(c.query, `${p}.query`);
  const headers = Object.entries((c.headers ?? {}) as Record<string, unknown>)
    .map(([k, v]) => [k.toLowerCase(), ctx.template(String(v), `${p}.headers.${k}`)] as const);
  const subprotocols = c.subprotocols === undefined ? [] : [c.subprotocols].flat().map(String);
  for (const [i, s] of subprotocols.entries()) {
    if (!SUBPROTOCOL.test(s)) ctx.fail(`expected a subprotocol token like "v1.events", got ${JSON.stringify(s)}`, `${p}.subprotocols[${i}]`);
  }
  if (new Set(subprotocols).size !== subprotocols.length) ctx.fail('subprotocols must not repeat', `${p}.subprotocols`);
  const cfg = wsConfig(ctx);
  let fn = null;
  if (c.function !== undefined) {
    if (ctx.processorFunction === undefined) ctx.fail('this agentload build cannot call processor functions from an engine step', `${p}.function`);
    fn = ctx.processorFunction(c.function, `${p}.function`);
  }
  // Interned now, not at init, so `ws.connect` thresholds can be checked against the plan's names at load.
  ctx.sink.handle(WS_CONNECTING);
  return {
    kind: 'connect',
    url, query, headers, subprotocols,
    timeoutMs: timeoutMs(c.timeout, ctx, p, cfg.connectTimeout),
    isStatic: url.isStatic && (query?.isStatic ?? true) && headers.every(([, t]) => t.isStatic),
    endsScenarioOnFailure: c.onFailure === 'endScenario',
    fn,
    staticUrl: null,
    staticOptions: null,
  };
}

function compileKeepAlive(raw: unknown, ctx: StepCompileContext, path: string): KeepAlive | null {
  if (raw === undefined || raw === null || raw === false) return null;
  const isShort = typeof raw === 'string' || typeof raw === 'number';
  const k = isShort ? { every: raw } : asObject(raw, ctx, 'a keepAlive like { every: 10s }');
  if (k.every === undefined) ctx.fail('keepAlive needs `every`: a duration or { min, max }', path);
  const [everyMinMs, everyMaxMs] = rangeMs(k.every, ctx, `${path}.every`);
  if (everyMinMs <= 0) ctx.fail('keepAlive.every must be greater than 0', `${path}.every`);
  const probe = compileProbe(k, ctx, path, handle(ctx, k.name, WS_PING));
  return { probe, everyMinMs, everyMaxMs };
}

function compileHold(raw: unknown, ctx: StepCompileContext): HoldStep {
  const p = ctx.yamlPath;
  const isShort = typeof raw === 'string' || typeof raw === 'number';
  const h = isShort ? { duration: raw } : asObject(raw, ctx, 'a hold like 5m, { min: 1m, max: 2m } or { duration: 5m, keepAlive: … }');
  const hasRange = h.min !== undefined || h.max !== undefined;
  if (hasRange === (h.duration !== undefined)) ctx.fail('hold needs either `duration` or `min` and `max`', p);
  const [minMs, maxMs] = hasRange ? rangeMs({ min: h.min, max: h.max }, ctx, p) : rangeMs(h.duration, ctx, `${p}.duration`);
  return { kind: 'hold', handle: handle(ctx, h.name, WS_HOLD), minMs, maxMs, keepAlive: compileKeepAlive(h.keepAlive, ctx, `${p}.keepAlive`) };
}

function compileClose(raw: unknown, ctx: StepCompileContext): WsStep {
  const c = asObject(raw, ctx, 'a close like { code: 1000 }');
  const code = c.code === undefined ? 1000 : Number(c.code);
  // 1000 and 3000–4999 are the codes an endpoint may send (RFC 6455 §7.4).
  if (!Number.isInteger(code) || (code !== 1000 && (code < 3000 || code > 4999))) {
    ctx.fail(`expected close code 1000 or 3000-4999, got ${JSON.stringify(c.code)}`, `${ctx.yamlPath}.code`);
  }
  const reason = (c.reason ?? '') as string; // the schema: a string
  if (Buffer.byteLength(reason) > 123) ctx.fail('a close reason is at most 123 bytes', `${ctx.yamlPath}.reason`);
  return { kind: 'close', code, reason };
}

/** See the module comment. `key` is one of WS_STEP_KEYS (the compiler only passes those). */
export function compileWsStep(key: string, step: StepInput, ctx: StepCompileContext): WsStep {
  const raw = step[key];
  const p = ctx.yamlPath;
  switch (key) {
    case 'connect': return compileConnect(raw, ctx);
    case 'send': {
      const s = typeof raw === 'string' ? { text: raw } : asObject(raw, ctx, 'a send like { json: {…} } or { text: "…" }');
      const payload = compilePayload(s, ctx, p);
      if (payload === null) ctx.fail('send needs `text` or `json`', p);
      return { kind: 'send', handle: handle(ctx, s.name, WS_SEND), payload, endsScenarioOnFailure: s.onFailure === 'endScenario' };
    }
    case 'waitFor': {
      const w = asObject(raw, ctx, 'a waitFor like { match: { json: message_type, equals: connected } }');
      return {
        kind: 'waitFor',
        handle: handle(ctx, w.name, WS_MESSAGE),
        match: compileMatch(w.match, ctx, `${p}.match`),
        checks: ctx.checks(w.expect, w.capture, p),
        timeoutMs: timeoutMs(w.timeout, ctx, p),
        endsScenarioOnFailure: w.onFailure === 'endScenario',
      };
    }
    case 'ping': {
      const g = asObject(raw, ctx, 'a ping like {} (protocol ping) or { json: {…}, match: {…} }');
      return { kind: 'ping', probe: compileProbe(g, ctx, p, handle(ctx, g.name, WS_PING)) };
    }
    case 'hold': return compileHold(raw, ctx);
    case 'close': return compileClose(raw, ctx);
    default: return ctx.fail(`unknown ws step "${key}"`, p);
  }
}
