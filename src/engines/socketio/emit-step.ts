/**
 * Compiles an `emit` step of the socketio engine once, at plan-compile time:
 * event, arguments, namespace and the awaited answer become templates.
 */
import type { StepCompileContext, StepInput, Template, ValueTemplate } from '../../engine/contracts.ts';
import { compileJsonPath, type JsonPath } from '../../engine/checks/json-path.ts';

/** What an emit waits for: nothing, a `response` event, or the acknowledgement. */
export type Awaited =
  | { readonly kind: 'none' }
  | { readonly kind: 'response'; readonly channel: Template; readonly expected: ValueTemplate | null; readonly isArgs: boolean }
  | { readonly kind: 'ack'; readonly expected: ValueTemplate | null; readonly isArgs: boolean; readonly match: { readonly path: JsonPath; readonly value: ValueTemplate } | null };

/** A compiled emit. */
export interface EmitStep {
  readonly handle: number;
  readonly channel: Template;
  /** The arguments after the event name; rendered per emit. */
  readonly args: readonly ValueTemplate[];
  readonly namespace: Template;
  readonly awaited: Awaited;
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
    return { kind: 'response', channel: ctx.template(String(channel), `${p}.response.channel`), ...expectedOf(r, `${p}.response`) };
  }
  if (e.acknowledge !== undefined) {
    const a = (e.acknowledge ?? {}) as Record<string, unknown>;
    let match: { path: JsonPath; value: ValueTemplate } | null = null;
    if (a.match !== undefined) {
      const m = a.match as Record<string, unknown>;
      const path = compileJsonPath(String(m.json));
      if (path === null) ctx.fail(`expected a JSON path like "$.0.name", got ${JSON.stringify(m.json)}`, `${p}.acknowledge.match.json`);
      match = { path, value: ctx.valueTemplate(m.value, `${p}.acknowledge.match.value`) };
    }
    return { kind: 'ack', ...expectedOf(a, `${p}.acknowledge`), match };
  }
  return { kind: 'none' };
}
