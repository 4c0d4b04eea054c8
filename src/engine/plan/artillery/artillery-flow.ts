/**
 * Artillery flow steps rewritten, in place, into agentload's step model at
 * load time (artillery-script.ts calls it for every flow). Steps agentload
 * already reads pass through unchanged; Artillery-only keys become their
 * agentload equivalent (see docs/artillery.md), and what has none yet is
 * reported as not supported at its own position, naming the alternative.
 */
import { toPlanDuration } from './artillery-duration.ts';
import { STEP_CONDITION, type StepConditionInput } from './step-condition.ts';
import { rewriteRequestOptions, type RequestRewriteContext } from './artillery-request.ts';
import { expandWsExchanges } from './artillery-ws.ts';
import { rewriteExpect, type ExpectRewriteContext } from './artillery-expect.ts';
import { UNSET_ENV, resolveTemplatedThink } from './artillery-think.ts';
import { DEFAULT_PARALLEL_LIMIT, LOOP_OPTIONS, PARALLEL, mark, type LoopOptionsInput, type ParallelInput } from './flow-marks.ts';

const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head'];
/** Keys the processor support owns (docs/artillery-processor.md): passed through untouched. */
const PROCESSOR_KEYS = new Set(['function', 'beforeRequest', 'afterResponse']);

export type Segs = Array<string | number>;

/** What the flow rewrite needs from the script. */
export interface FlowContext extends RequestRewriteContext, ExpectRewriteContext {
  /** `config.defaults.headers` (and `config.http.defaults.headers`), lower-cased names. */
  readonly defaultHeaders: Record<string, string>;
  /** `config.defaults.think.jitter`, if any. */
  readonly defaultJitter: unknown;
  /** Renders a template whose every part is known at load (environment, scalar config variables); null otherwise. */
  renderAtLoad(source: string): string | null;
  /** Whether an environment variable is set (after --dotenv). */
  isEnvSet(name: string): boolean;
  /** False under Artillery's `defaults.strictCapture: false`: a capture without `strict` is not strict. */
  readonly isCaptureStrict?: boolean;
  /** The scenario's engine after renames (`http`, `ws`, `socketio`, …). */
  readonly engine: string;
  /** A feature with no agentload equivalent yet, at `path` (a key when `isKey`). */
  unsupported(message: string, path: Segs, isKey?: boolean): void;
  /** A loop `whileTrue` Artillery ignores (it names no function): said as a warning, and the loop runs by count / over. */
  ignoredWhileTrue(message: string, path: Segs): void;
  /** A key Artillery ignores, at `path`: taken out and said as a warning (AGENTLOAD_W_IGNORED_KEY). */
  ignoredKey(message: string, path: Segs): void;
  /** `to` (as rewritten) is written at `from` in the file: for error positions. */
  alias(to: Segs, from: Segs): void;
}

/** Rewrites a list of steps in place (see the module comment). */
export function rewriteSteps(steps: unknown, base: Segs, ctx: FlowContext): void {
  if (!Array.isArray(steps)) return;
  if (ctx.engine === 'ws') expandWsExchanges(steps, base, ctx);
  steps.forEach((step, i) => {
    if (step !== null && typeof step === 'object' && !Array.isArray(step)) rewriteStep(step as Record<string, unknown>, [...base, i], ctx);
  });
}

function rewriteStep(step: Record<string, unknown>, at: Segs, ctx: FlowContext): void {
  if ('whileTrue' in step && !('loop' in step)) {
    ctx.unsupported('"whileTrue" only goes next to "loop" (Artillery reads it nowhere else); move it onto the loop step', [...at, 'whileTrue'], true);
    delete step.whileTrue;
    // Reported above; a placeholder keeps the schema from reporting the emptied step a second time.
    if (Object.keys(step).length === 0) step.think = 0;
  }
  if ('parallel' in step) return rewriteParallel(step, at, ctx);
  liftCondition(step, step, at, ctx);
  if ('think' in step) return rewriteThink(step, at, ctx);
  if ('loop' in step) return rewriteLoop(step, at, ctx);
  const method = HTTP_METHODS.find((m) => m in step);
  if (method !== undefined && isRecord(step[method])) {
    liftCondition(step, step[method], [...at, method], ctx);
    return rewriteRequest(step[method], [...at, method], ctx);
  }
  if (ctx.engine === 'ws' && 'send' in step) rewriteWsSend(step, at, ctx);
  if ('emit' in step) rewriteEmit(step, at, ctx);
  for (const k of Object.keys(step)) if (PROCESSOR_KEYS.has(k)) continue;
}

/**
 * Artillery's loop options: `whileTrue` (a processor function; it takes
 * precedence over count and over, so a loop with only whileTrue is valid),
 * `loopValue` / `loopElement` (the names of the index and item variables).
 * They travel under LOOP_OPTIONS (flow-marks.ts).
 */
function rewriteLoop(step: Record<string, unknown>, at: Segs, ctx: FlowContext): void {
  if (typeof step.count === 'string' && /^\d+$/.test(step.count)) step.count = Number(step.count);
  const name = (key: string): string | null => {
    const v = step[key];
    delete step[key];
    if (v === undefined) return null;
    if (typeof v === 'string' && /^[A-Za-z_$][\w$]*$/.test(v)) return v;
    if (key === 'whileTrue' && (step.count !== undefined || step.over !== undefined)) {
      // Artillery looks the value up among the processor's functions; finding none, it loops by count / over.
      ctx.ignoredWhileTrue(`loop "whileTrue" takes a processor function's name; ${JSON.stringify(v)} names none, so Artillery ignores it and loops by ${step.count !== undefined ? 'count' : 'over'}, and so does agentload; to stop on a condition, write a processor function, e.g. whileTrue: "hasMore"`, [...at, key]);
      return null;
    }
    ctx.unsupported(`loop "${key}" takes a name, e.g. ${key === 'whileTrue' ? '"hasMore" (a processor function)' : '"item"'}; got ${JSON.stringify(v)}`, [...at, key]);
    return null;
  };
  const options: LoopOptionsInput = { whileTrue: name('whileTrue'), indexVar: name('loopValue'), elementVar: name('loopElement') };
  if (options.whileTrue !== null && step.count === undefined && step.over === undefined) step.count = 1; // placeholder for the schema: whileTrue decides
  if (options.whileTrue !== null || options.indexVar !== null || options.elementVar !== null) mark(step, LOOP_OPTIONS, options);
  rewriteSteps(step.loop, [...at, 'loop'], ctx);
}

/**
 * Artillery's `parallel: [steps]` (with an optional `limit`): its steps run
 * at once within the user and the step ends when all have. Written as a
 * one-pass loop over the steps marked PARALLEL, so the schema and the plan
 * checks read the steps as any loop's.
 */
function rewriteParallel(step: Record<string, unknown>, at: Segs, ctx: FlowContext): void {
  const steps = step.parallel;
  const limit = step.limit === undefined ? DEFAULT_PARALLEL_LIMIT : Number(step.limit);
  if (!Array.isArray(steps)) {
    ctx.unsupported('"parallel" takes a list of steps', [...at, 'parallel']);
    return;
  }
  if (!(Number.isInteger(limit) && limit >= 1)) ctx.unsupported(`parallel "limit" takes a whole number >= 1, got ${JSON.stringify(step.limit)}`, [...at, 'limit']);
  for (const key of Object.keys(step)) delete step[key];
  step.loop = steps;
  step.count = 1;
  ctx.alias([...at, 'loop'], [...at, 'parallel']);
  mark(step, PARALLEL, { limit: Number.isInteger(limit) && limit >= 1 ? limit : DEFAULT_PARALLEL_LIMIT } satisfies ParallelInput);
  rewriteSteps(steps, [...at, 'loop'], ctx);
}

function rewriteThink(step: Record<string, unknown>, at: Segs, ctx: FlowContext): void {
  const jitter = step.jitter ?? ctx.defaultJitter;
  delete step.jitter;
  if (typeof step.think === 'string' && step.think.includes('{{')) {
    const resolved = resolveTemplatedThink(step.think, (src) => ctx.renderAtLoad(src), (name) => ctx.isEnvSet(name));
    if (resolved === UNSET_ENV) return; // the template check names the variable
    if (resolved === null) {
      ctx.unsupported('a think time templated on a value each user has its own of (a list variable, a payload field, a captured value) is not supported yet; write seconds, a duration, {{ $randomNumber(min, max) }} or a config variable holding one', [...at, 'think']);
      step.think = 0; // reported above: keeps the schema from reporting the template as a bad duration too
      return;
    }
    if (typeof resolved !== 'string') {
      if (jitter !== undefined) ctx.unsupported('jitter on a random think time is not supported yet; widen the $randomNumber range instead', [...at, 'jitter'], true);
      step.think = resolved;
      return;
    }
    step.think = resolved;
  }
  const think = toPlanDuration(step.think);
  step.think = think;
  if (jitter === undefined) return;
  const seconds = typeof think === 'number' ? think : Number(String(think).replace(/ms$/, '')) / 1000;
  const spread = typeof jitter === 'string' && jitter.trim().endsWith('%') ? seconds * Number(jitter.trim().slice(0, -1)) / 100 : Number(jitter);
  if (!Number.isFinite(seconds) || !Number.isFinite(spread)) {
    ctx.unsupported(`think jitter ${JSON.stringify(jitter)} is not a number or a percentage`, [...at, 'jitter'], true);
    return;
  }
  step.think = { min: Math.max(0, seconds - spread), max: seconds + spread };
}

/**
 * Characters a URL parser would percent-encode (space, non-ASCII, quotes, …)
 * in the literal parts of a URL; `{{ }}` expressions and existing `%XX` are
 * kept. `/a b` would otherwise fail every request as an invalid path.
 */
function encodeUrlLiterals(url: string): string {
  return url.split(/(\{\{[^{}]*\}\})/).map((part, i) => (i % 2 === 1 ? part : part.replace(/[^A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]/gu, (ch) => encodeURIComponent(ch)))).join('');
}

function rewriteRequest(req: Record<string, unknown>, at: Segs, ctx: FlowContext): void {
  if (typeof req.url === 'string') req.url = encodeUrlLiterals(req.url);
  const headers: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(ctx.defaultHeaders)) headers[k] = v;
  if (isRecord(req.headers)) {
    for (const [k, v] of Object.entries(req.headers)) {
      for (const d of Object.keys(headers)) if (d.toLowerCase() === k.toLowerCase()) delete headers[d];
      headers[k] = typeof v === 'number' || typeof v === 'boolean' ? String(v) : v;
    }
  }
  rewriteRequestOptions(req, at, ctx);
  if (isRecord(req.form)) {
    req.body = Object.entries(req.form).map(([k, v]) => `${encodeURIComponent(k)}=${formValue(v)}`).join('&');
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
    delete req.form;
  }
  if (Object.keys(headers).length > 0) req.headers = headers;
  for (const key of ['transform', 'think']) {
    if (key in req) {
      ctx.unsupported(`"${key}" on a request is not supported yet; remove it (for think, use a think step after the request)`, [...at, key], true);
      delete req[key];
    }
  }
  if (req.capture !== undefined) rewriteCaptures(req, at, ctx);
  // The expect plugin's checks first: a legacy match then joins the agentload form they became (merged into the
  // plugin's map or list it would read as an unknown check, or be dropped with them when the plugin is off).
  rewriteExpect(req, at, ctx);
  if (req.match !== undefined) rewriteMatch(req, at, ctx);
}

/**
 * Moves `ifTrue` / `probability` off `from` (the step, or its request) onto
 * the step under STEP_CONDITION, where the compiler finds them.
 */
function liftCondition(step: Record<string | symbol, unknown>, from: Record<string, unknown>, at: Segs, ctx: FlowContext): void {
  const ifTrue = from.ifTrue;
  const probability = from.probability;
  if (ifTrue === undefined && probability === undefined) return;
  delete from.ifTrue;
  delete from.probability;
  if (ifTrue !== undefined && typeof ifTrue !== 'string') {
    ctx.unsupported('ifTrue takes an expression string, e.g. "status == 200"', [...at, 'ifTrue']);
    return;
  }
  if (probability !== undefined && !Number.isFinite(Number(probability))) {
    ctx.unsupported(`probability takes a number from 0 to 100, got ${JSON.stringify(probability)}`, [...at, 'probability']);
    return;
  }
  const previous = step[STEP_CONDITION] as StepConditionInput | undefined;
  const condition: StepConditionInput = {
    ifTrue: ifTrue ?? previous?.ifTrue ?? null,
    probability: probability === undefined ? previous?.probability ?? null : Number(probability),
  };
  Object.defineProperty(step, STEP_CONDITION, { value: condition, enumerable: false, configurable: true });
}

/** A form value: URL-encoded when static; a lone `{{ name }}` renders through the urlEncode helper. */
function formValue(v: unknown): string {
  const s = String(v);
  const m = /^\{\{\s*([A-Za-z_$][\w.$]*)\s*\}\}$/.exec(s);
  if (m !== null) return `{{urlEncode ${m[1]}}}`;
  return s.includes('{{') ? s : encodeURIComponent(s);
}

function rewriteCaptures(req: Record<string, unknown>, at: Segs, ctx: FlowContext): void {
  const list = Array.isArray(req.capture) ? req.capture : [req.capture];
  list.forEach((c, i) => {
    if (!isRecord(c)) return;
    const cAt = Array.isArray(req.capture) ? [...at, 'capture', i] : [...at, 'capture'];
    if (ctx.isCaptureStrict === false && !('strict' in c)) c.strict = false;
    if ('regexp' in c) {
      c.regex = c.regexp;
      delete c.regexp;
      ctx.alias([...cAt, 'regex'], [...cAt, 'regexp']);
    }
    if ('flags' in c) {
      ctx.unsupported('regexp capture flags are not supported yet; write the flag into the pattern, e.g. (?i) is not available: use character classes', [...cAt, 'flags'], true);
      delete c.flags;
    }
    for (const key of ['transform', 'xpath', 'selector', 'index', 'attr']) {
      if (key in c) {
        ctx.unsupported(`capture "${key}" is not supported yet; capture with json, header or regexp`, [...cAt, key], true);
        delete c[key];
      }
    }
  });
}

/**
 * Artillery's legacy `match: {json, value}` as agentload's `expect.json` equality check.
 * A match is strict unless `strict: false`, and a failed strict one ends the user's
 * scenario in Artillery ('Failed capture or match'): the request gets failedCheckEndsScenario.
 */
function rewriteMatch(req: Record<string, unknown>, at: Segs, ctx: FlowContext): void {
  const list = Array.isArray(req.match) ? req.match : [req.match];
  const expect = isRecord(req.expect) ? req.expect : {};
  const json = Array.isArray(expect.json) ? expect.json : [];
  let isAnyStrict = false;
  list.forEach((m, i) => {
    const mAt = Array.isArray(req.match) ? [...at, 'match', i] : [...at, 'match'];
    if (!isRecord(m) || typeof m.json !== 'string') {
      ctx.unsupported('only json matches are supported ({json: "$.path", value: …}); use capture with regexp and a later check', mAt);
      return;
    }
    json.push({ path: m.json, equals: m.value });
    if (m.strict !== false) isAnyStrict = true;
  });
  delete req.match;
  if (json.length > 0) req.expect = { ...expect, json };
  if (isAnyStrict) req.failedCheckEndsScenario = true;
}

/**
 * Artillery's socketio step keeps `response`, `acknowledge` and `namespace`
 * next to `emit`, and may write emit as `[channel, data…]`: folded into the
 * one `emit` object agentload's socketio engine reads.
 */
function rewriteEmit(step: Record<string, unknown>, at: Segs, ctx: FlowContext): void {
  let emit = step.emit;
  if (Array.isArray(emit)) emit = { channel: String(emit[0]), args: emit.slice(1) };
  if (!isRecord(emit)) return;
  const e = emit;
  /** Where each of response / acknowledge is written in the file: next to emit (Artillery's form) or inside it. */
  const writtenAt: Record<string, Segs> = { response: [...at, 'emit', 'response'], acknowledge: [...at, 'emit', 'acknowledge'] };
  for (const key of ['response', 'acknowledge', 'namespace']) {
    if (!(key in step)) continue;
    writtenAt[key] = [...at, key];
    emit[key] = step[key];
    delete step[key];
    ctx.alias([...at, 'emit', key], [...at, key]);
  }
  // Artillery captures from the awaited answer's arguments (response or acknowledgement): one emit.capture here.
  const captureFrom = (holder: Record<string, unknown>, key: 'response' | 'acknowledge', defaultJson: string | null): void => {
    if (!('capture' in holder)) return;
    const list = Array.isArray(holder.capture) ? holder.capture : [holder.capture];
    // Artillery's acknowledge reads the first argument when a capture names no path.
    if (defaultJson !== null) for (const c of list) if (isRecord(c) && c.json === undefined) c.json = defaultJson;
    // Artillery's socketio engine writes a capture that found nothing as undefined and goes on, whatever its strict says.
    for (const c of list) if (isRecord(c)) c.strict = false;
    e.capture = holder.capture;
    delete holder.capture;
    ctx.alias([...at, 'emit', 'capture'], [...writtenAt[key]!, 'capture']);
  };
  if (isRecord(emit.response)) {
    const r = emit.response;
    captureFrom(r, 'response', null);
    if (r.on !== undefined && r.channel === undefined) {
      r.channel = r.on;
      delete r.on;
    }
  }
  if (isRecord(emit.acknowledge)) {
    const a = emit.acknowledge;
    captureFrom(a, 'acknowledge', '$.0');
    if (isRecord(a.match) && a.match.json === undefined) a.match.json = '$.0';
  }
  if ('concat' in emit) delete emit.concat;
  if ('ack' in emit) {
    // Artillery's socketio engine reads only `acknowledge` (next to emit): an `ack` is passed over, so the
    // emit goes without an acknowledgement callback and nothing under `ack` is checked.
    ctx.ignoredKey('unknown key "ack"; Artillery ignores it, so agentload does too: the emit is sent without waiting for an acknowledgement, and nothing under "ack" (match, capture, timeout) is checked; did you mean "acknowledge" (written next to emit)?', [...at, 'emit', 'ack']);
    delete emit.ack;
  }
  step.emit = emit;
}

/**
 * A ws send as agentload's `{text}` / `{json}`, with `onFailure: endScenario`:
 * Artillery's ws engine ends the scenario when a send fails (the server
 * closed the connection), so the sends after it are not attempted.
 */
function rewriteWsSend(step: Record<string, unknown>, at: Segs, ctx: FlowContext): void {
  const v = step.send;
  if (isRecord(v) && Object.keys(v).every((k) => k === 'json' || k === 'text' || k === 'name' || k === 'onFailure')) {
    v.onFailure ??= 'endScenario';
    return;
  }
  const key = typeof v === 'string' ? 'text' : 'json';
  step.send = { [key]: v, onFailure: 'endScenario' };
  ctx.alias([...at, 'send', key], [...at, 'send']);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
