/**
 * One stream in flight: reads its chunks as SSE (eventsource-parser, WHATWG
 * rules), NDJSON lines or raw chunks, counts tokens, timestamps them, and at
 * the end records the stream's metrics and its one outcome.
 *
 *   scheduled ──► headers ──► token 1 ──► token 2 … token n ──► end (until met, or response end)
 *      │  ttfb ───┘              │  itl ──┘                       │
 *      │  ttft ──────────────────┘                                │
 *      └── e2e (the step's own name) ─────────────────────────────┘
 *   tpot = (end − token 1) / (tokens − 1)      tokens/s = tokens / e2e
 *
 * Times run from the VU's scheduled start (no coordinated omission), in run µs.
 * Memory is bounded: the SSE parser's buffer and an NDJSON line are capped at
 * maxEventChars, the kept text at the same size; past it the stream is bad_stream.
 */
import { createParser, type EventSourceMessage, type EventSourceParser, type ParseError } from 'eventsource-parser';
import type { DeadlineItem, Deadlines, ResponseView, RunContext, VirtualUser } from '../../engine/contracts.ts';
import { readJsonPath } from '../../engine/checks/json-path.ts';
import { STREAM_TOKENS_TOTAL } from '../../engine/metrics/names.ts';
import { isUntil, splitCount } from './token-rules.ts';
import type { StreamStep } from './stream-step.ts';

type Sink = RunContext['sink'];
const NO_JSON: unique symbol = Symbol('not JSON');

/** See the module comment. The engine owns the I/O; this object owns the measurement. */
export class StreamFlight implements ResponseView, DeadlineItem {
  readonly controller = new AbortController();
  heapIndex = -1;
  wakeMs = Infinity;
  /** Why the engine aborted the stream (timeout, stalled), or null. */
  abortReason: string | null = null;
  /** The outcome's failure reason once known (first one wins), or null. */
  failure: string | null = null;
  isDone = false;
  private readonly startUs: number;
  private headersUs = 0;
  firstTokenUs = 0;
  lastTokenUs = 0;
  private endUs = 0;
  private status = 0;
  private tokens = 0;
  private countTotal = -1;
  private maxGapUs = 0;
  private headers: Record<string, string | string[] | undefined> = {};
  private readonly parser: EventSourceParser | null;
  private readonly decoder = new TextDecoder();
  private line = '';
  private readonly textParts: string[] = [];
  private textChars = 0;
  private lastJson: unknown = undefined;
  private nowChunkUs = 0;

  constructor(
    readonly step: StreamStep, readonly vu: VirtualUser, private readonly sink: Sink, private readonly nowUs: () => number,
    private readonly deadlines: Deadlines,
  ) {
    this.startUs = vu.scheduledUs;
    this.parser = step.format === 'sse'
      ? createParser({ onEvent: (e) => this.onSseEvent(e), onError: (e) => this.onSseError(e), maxBufferSize: step.maxEventChars })
      : null;
  }

  /** The response's status and headers; returns false when the body is not worth reading. */
  onHeaders(status: number, headers: Record<string, string | string[] | undefined>): boolean {
    this.headersUs = this.nowUs();
    this.status = status;
    this.headers = headers;
    this.sink.status(this.step.handle, status);
    this.sink.recordLatency(this.step.ttfb, this.headersUs - this.startUs);
    this.sink.ok(this.step.ttfb);
    const accepted = this.step.checks?.acceptsStatus(status) ?? null;
    if (accepted === false || (accepted === null && status >= 300)) return this.fail(status >= 300 ? `http_${status}` : 'expect_status');
    if (this.step.format === 'sse' && !/^text\/event-stream\b/i.test(String(headers['content-type'] ?? ''))) return this.fail('bad_stream');
    return true;
  }

  /** One body chunk; returns false when reading should stop (done or failed). */
  onChunk(chunk: Buffer): boolean {
    this.nowChunkUs = this.nowUs();
    const text = this.decoder.decode(chunk, { stream: true });
    if (this.step.format === 'sse') this.parser!.feed(text);
    else if (this.step.format === 'ndjson') this.feedLines(text);
    else this.onData(undefined, text, NO_JSON);
    return !this.isDone && this.failure === null;
  }

  /** The response ended (or was cut short by isDone). */
  onEnd(): void {
    if (this.endUs === 0) this.endUs = this.nowUs();
    if (this.failure !== null || this.isDone) return;
    if (this.step.format === 'ndjson' && this.line.trim() !== '') this.onLine(this.line);
    if (this.failure !== null) return;
    // Ended by the server with a terminator declared and not seen, or before any token: cut short.
    if (this.step.until !== null || this.tokens === 0) this.fail('ended_early');
  }

  /** A transport error or the engine's abort. */
  onError(reason: string): void {
    if (this.endUs === 0) this.endUs = this.nowUs();
    this.fail(this.abortReason ?? reason);
  }

  /** Records every end-of-stream metric and the outcome. Called once. */
  settle(): void {
    const s = this.sink;
    const step = this.step;
    const e2eUs = this.endUs - this.startUs;
    if (this.failure === null && this.step.until !== null && !this.isDone) this.failure = 'ended_early';
    const total = this.countTotal >= 0 ? this.countTotal : this.tokens;
    if (this.failure === null && total === 0) this.failure = 'no_tokens';
    if (this.failure === null && step.checks !== null) this.failure = step.checks.verify(this, this.vu.vars);
    s.recordLatency(step.handle, e2eUs);
    if (this.failure !== null) {
      const expected = this.failure.startsWith('http_') ? step.outcomes.byStatus.get(this.status) : undefined;
      if (expected !== undefined) s.expected(step.handle, expected);
      else s.failed(step.handle, this.failure);
      return;
    }
    s.ok(step.handle);
    s.add(STREAM_TOKENS_TOTAL, total);
    s.recordLatency(step.tokens, total);
    s.ok(step.tokens);
    s.recordLatency(step.tokensPerSec, e2eUs > 0 ? (total * 1e9) / e2eUs : 0);
    s.ok(step.tokensPerSec);
    const tpotUs = total > 1 ? (this.endUs - this.firstTokenUs) / (total - 1) : 0;
    if (total > 1) {
      s.recordLatency(step.tpot, tpotUs);
      s.ok(step.tpot);
    }
    const slo = step.slo;
    const ttftUs = this.firstTokenUs - this.startUs;
    if (slo === null || ((slo.ttftUs === 0 || ttftUs <= slo.ttftUs) && (slo.itlUs === 0 || this.maxGapUs <= slo.itlUs) &&
      (slo.tpotUs === 0 || tpotUs <= slo.tpotUs) && (slo.e2eUs === 0 || e2eUs <= slo.e2eUs))) s.ok(step.goodput);
  }

  /** Puts the flight's next check on the run's deadline service: the earliest moment overdue() can turn true. */
  watch(): void {
    const step = this.step;
    let atUs = this.startUs + step.maxDurationMs * 1000;
    if (this.firstTokenUs === 0) atUs = Math.min(atUs, this.startUs + step.timeoutMs * 1000);
    // A token moves the gap's deadline without touching the heap: a wake before it re-checks and moves on.
    if (step.maxGapMs > 0 && this.lastTokenUs > 0) atUs = Math.min(atUs, this.lastTokenUs + step.maxGapMs * 1000);
    this.wakeMs = atUs / 1000;
    this.deadlines.update(this);
  }

  /** The stream is over: no more checks. */
  unwatch(): void {
    this.deadlines.remove(this);
  }

  /** The deadline service: aborts the stream if it is overdue, or watches for the next deadline. */
  onWake(nowMs: number): void {
    if (this.abortReason !== null) return;
    const reason = this.overdue(nowMs * 1000);
    if (reason !== null) {
      this.abortReason = reason;
      this.controller.abort();
      return;
    }
    this.watch();
    // overdue() is strict: at the very deadline it is not yet due; a microsecond later it is.
    if (this.wakeMs <= nowMs) {
      this.wakeMs = nowMs + 0.001;
      this.deadlines.update(this);
    }
  }

  /** The failure to abort with at `nowUs`, or null. */
  overdue(nowUs: number): string | null {
    const step = this.step;
    if (this.firstTokenUs === 0 && nowUs - this.startUs > step.timeoutMs * 1000) return 'timeout';
    if (nowUs - this.startUs > step.maxDurationMs * 1000) return 'timeout';
    if (step.maxGapMs > 0 && this.lastTokenUs > 0 && nowUs - this.lastTokenUs > step.maxGapMs * 1000) return 'stalled';
    return null;
  }

  private fail(reason: string): false {
    if (this.failure === null) this.failure = reason;
    return false;
  }

  private onSseEvent(e: EventSourceMessage): void {
    if (this.isDone || this.failure !== null) return;
    this.onData(e.event, e.data, NO_JSON);
  }

  /** An unknown field (an HTML line, a typo) or a buffer past maxEventChars: not the declared format. */
  private onSseError(_e: ParseError): void {
    this.fail('bad_stream');
  }

  private feedLines(text: string): void {
    let from = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', from)) {
      const line = this.line + text.slice(from, nl);
      this.line = '';
      from = nl + 1;
      if (line.trim() !== '') this.onLine(line);
      if (this.isDone || this.failure !== null) return;
    }
    this.line += text.slice(from);
    if (this.line.length > this.step.maxEventChars) this.fail('bad_stream');
  }

  private onLine(line: string): void {
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      this.fail('bad_stream');
      return;
    }
    this.onData(undefined, line, json);
  }

  /** One event (SSE event, NDJSON line or raw chunk); `json` is NO_JSON until parsed. */
  private onData(event: string | undefined, data: string, parsed: unknown): void {
    const step = this.step;
    let json = parsed;
    if (json === NO_JSON && step.needsJson) {
      try {
        json = JSON.parse(data);
      } catch {
        json = undefined;
      }
    }
    if (json !== NO_JSON && json !== undefined) this.lastJson = json;
    if (step.until !== null && isUntil(step.until, event, data, json === NO_JSON ? undefined : json)) {
      this.isDone = true;
      this.endUs = this.nowChunkUs;
      return;
    }
    const rule = step.tokenRule;
    let added = 0;
    let text = data;
    if (rule.textPath !== null) {
      const v = readJsonPath(json, rule.textPath);
      text = typeof v === 'string' ? v : '';
      added = splitCount(text, rule.split);
    } else if (rule.countPath === null || rule.split === 'event') added = 1;
    if (rule.countPath !== null) {
      const n = readJsonPath(json, rule.countPath);
      if (typeof n === 'number' && Number.isFinite(n)) this.countTotal = n;
      if (rule.textPath === null) added = 1;
    }
    if (step.keepsText) this.keep(text);
    if (added > 0) this.token(added);
    const until = step.until;
    if (until !== null && until.tokens !== null && this.tokens >= until.tokens) {
      this.isDone = true;
      this.endUs = this.nowChunkUs;
    }
  }

  private token(n: number): void {
    const t = this.nowChunkUs;
    const step = this.step;
    if (this.firstTokenUs === 0) {
      this.firstTokenUs = t;
      this.sink.recordLatency(step.ttft, t - this.startUs);
      this.sink.ok(step.ttft);
      this.lastTokenUs = t;
      this.watch(); // the first-token timeout gives way to the gap and the duration
    } else {
      const gap = t - this.lastTokenUs;
      if (gap > this.maxGapUs) this.maxGapUs = gap;
      this.sink.recordLatency(step.itl, gap);
      this.sink.ok(step.itl);
    }
    this.lastTokenUs = t;
    this.tokens += n;
  }

  private keep(text: string): void {
    this.textChars += text.length;
    if (this.textChars > this.step.maxEventChars) this.fail('bad_stream');
    else this.textParts.push(text);
  }

  header(name: string): string | undefined {
    const v = this.headers[name.toLowerCase()];
    return Array.isArray(v) ? v.join(', ') : v;
  }

  /** The concatenated token text (or event data, without a text rule). */
  text(): string {
    return this.textParts.join('');
  }

  /** The last event that parsed as JSON (the terminator excluded when it is not JSON). */
  json(): unknown {
    return this.lastJson;
  }
}
