/**
 * Compiles one `stream` step once, at plan-compile time: the request (url,
 * method, headers, json/body as templates), the stream's format and limits,
 * token and terminator rules, SLOs for goodput, and the metric handles.
 *
 * The `openai: true` preset fills what an OpenAI-compatible
 * `/v1/chat/completions` call with `stream: true` needs; anything the step
 * sets itself wins.
 */
import type { Dispatcher } from 'undici';
import type { OutcomeRules, ResponseChecks, StepCompileContext, StepInput, Template, ValueTemplate } from '../../engine/contracts.ts';
import { NO_OUTCOMES } from '../../engine/checks/outcome-rules.ts';
import {
  STREAM_GOODPUT, STREAM_ITL, STREAM_TOKENS, STREAM_TOKENS_PER_SEC, STREAM_TPOT, STREAM_TTFB, STREAM_TTFT,
} from '../../engine/metrics/names.ts';
import { compileTokenRule, compileUntilRule, type TokenRule, type UntilRule } from './token-rules.ts';

/** The stream's wire format. */
export type StreamFormat = 'sse' | 'ndjson' | 'raw';

/** Per-stream SLOs (µs; 0 = not set): a stream that ends ok and meets them all counts toward goodput. */
export interface StreamSlo {
  readonly ttftUs: number;
  readonly itlUs: number;
  readonly tpotUs: number;
  readonly e2eUs: number;
}

/** Handles of the step's metrics: `handle` is the step's own name; the rest carry `request=<name>`. */
export interface StreamHandles {
  readonly handle: number;
  readonly ttfb: number;
  readonly ttft: number;
  readonly itl: number;
  readonly tpot: number;
  readonly tokens: number;
  readonly tokensPerSec: number;
  readonly goodput: number;
}

/** A compiled stream step. */
export interface StreamStep extends StreamHandles {
  readonly name: string;
  readonly method: Dispatcher.HttpMethod;
  readonly url: Template;
  readonly headers: ReadonlyArray<readonly [string, Template]>;
  readonly json: ValueTemplate | null;
  readonly body: Template | null;
  readonly format: StreamFormat;
  readonly tokenRule: TokenRule;
  readonly until: UntilRule | null;
  /** From the request's start to the first token (ms). */
  readonly timeoutMs: number;
  /** The whole stream (ms). */
  readonly maxDurationMs: number;
  /** The longest gap between tokens before the stream is `stalled` (ms); 0 = no limit. */
  readonly maxGapMs: number;
  /** The largest event (SSE event, NDJSON line) buffered before the stream is `bad_stream`, in characters. */
  readonly maxEventChars: number;
  readonly slo: StreamSlo | null;
  readonly checks: ResponseChecks | null;
  readonly outcomes: OutcomeRules;
  /** True when events are parsed as JSON (token paths, until json, checks reading json). */
  readonly needsJson: boolean;
  /** True when the concatenated text is kept (checks read text). */
  readonly keepsText: boolean;
}

const FORMATS: readonly StreamFormat[] = ['sse', 'ndjson', 'raw'];
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_DURATION_MS = 300_000;
const DEFAULT_MAX_EVENT_CHARS = 1 << 20;
const OPENAI = { method: 'POST', format: 'sse', until: 'data == "[DONE]"', tokens: { text: 'choices[0].delta.content', count: 'usage.completion_tokens' } };

function compileSlo(raw: unknown, ctx: StepCompileContext, p: string): StreamSlo | null {
  if (raw === undefined) return null;
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) ctx.fail(`expected slo like { ttft: 800ms, itl: 250ms }, got ${JSON.stringify(raw)}`, p);
  const r = raw as Record<string, unknown>;
  for (const k of Object.keys(r)) if (!['ttft', 'itl', 'tpot', 'e2e'].includes(k)) ctx.fail(`unknown slo "${k}"; expected ttft, itl, tpot or e2e`, `${p}.${k}`);
  const us = (k: string): number => (r[k] === undefined ? 0 : ctx.durationMs(r[k], `${p}.${k}`) * 1000);
  return { ttftUs: us('ttft'), itlUs: us('itl'), tpotUs: us('tpot'), e2eUs: us('e2e') };
}

/** See the module comment. */
export function compileStreamStep(step: StepInput, ctx: StepCompileContext): StreamStep {
  const p = ctx.yamlPath;
  const raw = step.stream;
  const given = (typeof raw === 'string' ? { url: raw } : raw) as Record<string, unknown>;
  if (given === null || typeof given !== 'object' || typeof given.url !== 'string') ctx.fail('a stream step needs a url', p);
  const req: Record<string, unknown> = given.openai === true ? { ...OPENAI, ...given } : given;
  const format = (req.format ?? 'sse') as StreamFormat;
  if (!FORMATS.includes(format)) ctx.fail(`expected format to be one of ${FORMATS.join(', ')}, got ${JSON.stringify(req.format)}`, `${p}.format`);
  const json = req.json === undefined ? null : ctx.valueTemplate(req.json, `${p}.json`);
  const body = req.body === undefined ? null : ctx.template(req.body as string, `${p}.body`) /* the schema: a string */;
  const method = (typeof req.method === 'string' ? req.method.toUpperCase() : json !== null || body !== null ? 'POST' : 'GET');
  const headers = Object.entries((req.headers ?? {}) as Record<string, unknown>)
    .map(([k, v]) => [k.toLowerCase(), ctx.template(String(v), `${p}.headers.${k}`)] as const);
  if (json !== null && !headers.some(([k]) => k === 'content-type')) headers.push(['content-type', ctx.template('application/json', p)]);
  if (!headers.some(([k]) => k === 'accept')) headers.push(['accept', ctx.template(format === 'sse' ? 'text/event-stream' : '*/*', p)]);
  const name = typeof req.name === 'string' ? req.name : `${method} ${req.url as string}`;
  const tokens = compileTokenRule(req.tokens, `${p}.tokens`, ctx.fail);
  const until = compileUntilRule(req.until, `${p}.until`, ctx.fail);
  const checks = ctx.checks(req.expect, req.capture, p);
  const httpConfig = (ctx.config.http ?? {}) as Record<string, unknown>;
  const tag = { request: name };
  const sink = ctx.sink;
  return {
    name, method, headers, json, body, format, until, checks,
    tokenRule: tokens,
    url: ctx.template(req.url as string, `${p}.url`),
    timeoutMs: ctx.durationMs(req.timeout ?? httpConfig.timeout ?? DEFAULT_TIMEOUT_MS / 1000, `${p}.timeout`),
    maxDurationMs: req.maxDuration === undefined ? DEFAULT_MAX_DURATION_MS : ctx.durationMs(req.maxDuration, `${p}.maxDuration`),
    maxGapMs: req.maxGap === undefined ? 0 : ctx.durationMs(req.maxGap, `${p}.maxGap`),
    maxEventChars: typeof req.maxEventSize === 'number' ? req.maxEventSize : DEFAULT_MAX_EVENT_CHARS,
    slo: compileSlo(req.slo, ctx, `${p}.slo`),
    outcomes: ctx.outcomes(req.outcomes, NO_OUTCOMES, p),
    needsJson: tokens.needsJson || (until !== null && until.jsonPath !== null) || (checks !== null && checks.needsBody),
    keepsText: checks !== null && checks.needsBody,
    handle: sink.handle(name),
    ttfb: sink.handle(STREAM_TTFB, tag),
    ttft: sink.handle(STREAM_TTFT, tag),
    itl: sink.handle(STREAM_ITL, tag),
    tpot: sink.handle(STREAM_TPOT, tag),
    tokens: sink.handle(STREAM_TOKENS, tag),
    tokensPerSec: sink.handle(STREAM_TOKENS_PER_SEC, tag),
    goodput: sink.handle(STREAM_GOODPUT, tag),
  };
}
