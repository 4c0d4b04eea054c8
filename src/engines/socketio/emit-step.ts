/**
 * Compiles an `emit` step of the socketio engine once, at plan-compile time:
 * event, arguments, namespace and the awaited answer become templates.
 */
import type { StepCompileContext, StepInput, Template, ValueTemplate } from '../../engine/contracts.ts';
import { compileJsonPath, type JsonPath } from '../../engine/checks/json-path.ts';
import { CAPTURES_MISSED } from '../../engine/metrics/names.ts';

/** A JSON path into the answer's arguments and what it must equal (Artillery's `match`). */
export interface ArgsMatch {
  readonly path: JsonPath;
  readonly value: ValueTemplate;
}

/** A JSON path into the answer's arguments and the variable it fills (Artillery's `capture`). */
export interface ArgsCapture {
  readonly path: JsonPath;
  readonly as: string;
  /** `captures_missed:<as>` for a non-strict capture, whose miss is counted there; null when strict (the runner ends the scenario). */
  readonly missedCounter: string | null;
}

/** What an emit waits for: nothing, a `response` event, or the acknowledgement. */
export type Awaited =
  | { readonly kind: 'none' }
  | {
    readonly kind: 'response'; readonly channel: Template; readonly expected: ValueTemplate | null; readonly isArgs: boolean;
    /** `concat`: a string `data` is looked for in all arguments received, joined. */
    readonly isConcat: boolean;
    readonly matches: readonly ArgsMatch[];
  }
  | { readonly kind: 'ack'; readonly expected: ValueTemplate | null; readonly isArgs: boolean; readonly match: { readonly path: JsonPath; readonly value: ValueTemplate } | null };

/** A compiled emit. */
export interface EmitStep {
  readonly handle: number;
  readonly channel: Template;
  /** The arguments after the event name; rendered per emit. */
  readonly args: readonly ValueTemplate[];
  readonly namespace: Template;
  readonly awaited: Awaited;
  /** Values taken from the answer's arguments into the user's variables; empty when none. */
  readonly captures: readonly ArgsCapture[];
  readonly timeoutMs: number;
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** See the module comment. */
export function compileEmitStep(step: StepInput, ctx: StepCompileContext): EmitStep {
  const p = ctx.yamlPath;
  const e = step.emit as Record<string, unknown>;
  if (e === null || typeof e !== 'object' || typeof e.channel !== 'string') ctx.fail('an emit needs a channel (the event name)', p);
  const args = Array.isArray(e.args) ? e.args : e.data === undefined ? [] : [e.data];
  const config = (ctx.config.socketio ?? {}) as Record<string, unknown>;
  const timeout = e.timeout ?? config.timeout;
  return {
    handle: ctx.sink.handle(typeof e.name === 'string' ? e.name : `emit ${e.channel}`),
    channel: ctx.template(e.channel, `${p}.channel`),
    args: args.map((a, i) => ctx.valueTemplate(a, `${p}.args[${i}]`)),
    namespace: ctx.template(typeof e.namespace === 'string' ? e.namespace : '', `${p}.namespace`),
    awaited: awaitedOf(e, ctx),
    captures: capturesOf(e, ctx),
    timeoutMs: timeout === undefined ? DEFAULT_TIMEOUT_MS : ctx.durationMs(timeout, `${p}.timeout`),
  };
}

function awaitedOf(e: Record<string, unknown>, ctx: StepCompileContext): Awaited {
  const p = ctx.yamlPath;
  const expectedOf = (o: Record<string, unknown>, at: string): { expected: ValueTemplate | null; isArgs: boolean } => {
    if (Array.isArray(o.args)) return { expected: ctx.valueTemplate(o.args, `${at}.args`), isArgs: true };
    return { expected: o.data === undefined ? null : ctx.valueTemplate(o.data, `${at}.data`), isArgs: false };
  };
  if (e.response !== undefined) {
    const r = e.response as Record<string, unknown>;
    const channel = r.channel ?? r.on;
    const list = r.match === undefined ? [] : Array.isArray(r.match) ? r.match : [r.match];
    const matches = list.map((m, i) => argsMatch(m as Record<string, unknown>, Array.isArray(r.match) ? `${p}.response.match[${i}]` : `${p}.response.match`, ctx));
    const isConcat = r.concat === true || r.concat === 'true';
    return { kind: 'response', channel: ctx.template(String(channel), `${p}.response.channel`), ...expectedOf(r, `${p}.response`), isConcat, matches };
  }
  if (e.acknowledge !== undefined) {
    const a = (e.acknowledge ?? {}) as Record<string, unknown>;
    const match = a.match === undefined ? null : argsMatch(a.match as Record<string, unknown>, `${p}.acknowledge.match`, ctx);
    return { kind: 'ack', ...expectedOf(a, `${p}.acknowledge`), match };
  }
  return { kind: 'none' };
}

function argsPath(json: unknown, at: string, ctx: StepCompileContext): JsonPath {
  const path = compileJsonPath(String(json));
  if (path === null) ctx.fail(`expected a JSON path like "$.0.name", got ${JSON.stringify(json)}`, at);
  return path;
}

function argsMatch(m: Record<string, unknown>, at: string, ctx: StepCompileContext): ArgsMatch {
  return { path: argsPath(m.json, `${at}.json`, ctx), value: ctx.valueTemplate(m.value, `${at}.value`) };
}

function capturesOf(e: Record<string, unknown>, ctx: StepCompileContext): ArgsCapture[] {
  if (e.capture === undefined) return [];
  if (e.response === undefined && e.acknowledge === undefined) ctx.fail('a capture needs an answer to read: add response or acknowledge', `${ctx.yamlPath}.capture`);
  const list = Array.isArray(e.capture) ? e.capture : [e.capture];
  return list.map((c, i) => {
    const at = Array.isArray(e.capture) ? `${ctx.yamlPath}.capture[${i}]` : `${ctx.yamlPath}.capture`;
    const r = c as Record<string, unknown>;
    return { path: argsPath(r.json, `${at}.json`, ctx), as: String(r.as), missedCounter: r.strict === false ? `${CAPTURES_MISSED}:${String(r.as)}` : null };
  });
}
