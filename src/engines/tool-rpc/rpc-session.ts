/**
 * One virtual user's JSON-RPC exchange: builds each request (ids spliced
 * into pre-built body parts), sends it over HTTP (it is its own undici
 * dispatch handler, reused for every request, like the http engine's) or
 * the VU's WebSocket, classifies every call's answer, retries per the
 * step's policy, records into the sink and resumes the VU once.
 *
 *   runStep → begin → send ─┬─ onComplete / onWsAnswer → settle ─┬─ record all → vu.resume()
 *                           └─ onError / ws close, timeout ──────┘   └─ retry: timer → send
 *
 * Latency runs from the first attempt's scheduled start (vu.scheduledUs)
 * to the final answer: queueing and retry waits are what the caller saw.
 * A VU has at most one request in flight, so all state lives in fields.
 *
 * Over HTTP each attempt is timed out by the run's deadline service, from
 * its send to the last body byte, time waiting in the ClientPool included,
 * as the http engine's exchange is (see there).
 */
import type { VirtualUser, VuVars } from '../../engine/contracts.ts';
import { PooledFlight } from '../../engine/transport/pooled-flight.ts';
import { isRunEnded } from '../../engine/transport/run-ended-error.ts';
import { RPC_FOREIGN_IDS, RPC_RETRIES, RPC_RETRIES_EXHAUSTED } from '../../engine/metrics/names.ts';
import { classifyBatchCall, classifySingle, matchBatch, Verdict, EXPECTED, OK, type CallView } from '../../engine/checks/jsonrpc-verdict.ts';
import { retryAfterMs, retryDelayMs } from './rpc-retry.ts';
import { QUOTA_OUTCOME } from './quota-accounting.ts';
import { RateLimitTap } from './rate-limit-tap.ts';
import { hasWaitHeader } from '../../engine/metrics/rate-limit-recorder.ts';
import { transportReason } from '../../engine/metrics/transport-reason.ts';
import { MALFORMED_JSON, parseJson, rawHeader } from '../../engine/response-view.ts';
import { scanEnvelope } from '../../engine/checks/rpc-envelope-scan.ts';
import { prepareRequest, buildBody, type RpcRuntime } from './rpc-request.ts';
import type { RpcStep } from './rpc-step.ts';
import type { RpcWsConnection } from './ws-connection.ts';
import { bodyTooLargeError } from '../../engine/transport/body-limit.ts';

/** What an envelope-only call's classification gets for variables: it has no checks to read them. */
const NO_VARS: VuVars = Object.freeze({});

/** See the module comment. Fields are all set in the constructor (monomorphic). */
export class RpcSession extends PooledFlight implements CallView {
  step: RpcStep | null = null;
  /** Body parts around the ids of the current request. */
  parts: readonly Buffer[] = [];
  /** Ids of the current attempt, per call; fixed ones are set by prepareRequest. */
  readonly ids: Array<number | string> = [];
  readonly fixedIds: Array<number | string | null> = [];
  readonly identifiers: Array<string | null> = [];
  headers: string[] = [];
  message: unknown = undefined;
  ws: RpcWsConnection | null = null;
  /**
   * undici dispatch options, reused: a VU has one request in flight, so only body and headers change.
   * undici's own timeouts stay off (0): the run's deadline service times each attempt out.
   */
  readonly dispatchOpts = { path: '', method: 'POST', headers: [] as string[], body: null as Buffer | null, headersTimeout: 0, bodyTimeout: 0 };
  private attempt = 0;
  private startUs = 0;
  /** When the current attempt was sent (run µs): its deadline and its quota accounting run from here. */
  sentUs = 0;
  private nextId = 1;
  private status = 0;
  private rawHeaders: Buffer[] | null = null;
  private readonly chunks: Buffer[] = [];
  private bodyText: string | null = null;
  /** Bytes of the answer kept so far (capped at the runtime's maxBodyBytes, body-limit.ts). */
  private bodyBytes = 0;
  private isInFlight = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly verdict = new Verdict();
  private readonly match: number[] = [];
  private readonly onRetryTimer = (): void => {
    this.retryTimer = null;
    this.rt.retrying.delete(this);
    this.send();
  };

  private readonly rl: RateLimitTap;

  constructor(readonly vu: VirtualUser, private readonly rt: RpcRuntime) {
    super();
    this.rl = new RateLimitTap(rt.sink.rateLimits);
  }

  /** Starts one step for this VU (called by the engine's runStep). */
  begin(step: RpcStep): void {
    this.step = step;
    this.attempt = 0;
    this.startUs = this.vu.scheduledUs;
    if (step.rateLimitKey !== null) this.rl.begin(step.rateLimitKey, this.vu.vars);
    prepareRequest(this, step, this.vu);
    this.send();
  }

  /** Sends the current request once more, with fresh auto ids. */
  private send(): void {
    const step = this.step!;
    this.attempt++;
    const calls = step.calls;
    // Setting an array's length is a runtime call even when it does not change: only when it does.
    if (this.ids.length !== calls.length) this.ids.length = calls.length;
    for (let i = 0; i < calls.length; i++) {
      const fixed = this.fixedIds[i];
      if (fixed !== null && fixed !== undefined) this.ids[i] = fixed;
      else {
        let id = this.nextId++;
        if (step.hasFixedIds) while (this.fixedIds.includes(id)) id = this.nextId++;
        this.ids[i] = id;
      }
    }
    const body = buildBody(this.parts, this.ids);
    this.status = 0;
    this.rawHeaders = null;
    if (this.chunks.length !== 0) this.chunks.length = 0;
    this.bodyBytes = 0;
    this.bodyText = null;
    this.isInFlight = true;
    this.beginFlight();
    this.sentUs = this.rt.nowUs();
    if (step.rateLimitKey !== null) this.rl.sent(this.sentUs);
    if (step.isWs) this.rt.sendWs(this, body);
    else this.rt.sendHttp(this, body);
  }

  // undici's raw dispatch-handler protocol
  onConnect(abort: (err: Error) => void): void {
    this.connectFlight(abort);
  }

  onUpgrade(): void {}

  onHeaders(status: number, rawHeaders: Buffer[]): boolean {
    this.status = status;
    if (this.step!.needsHeaders) this.rawHeaders = rawHeaders;
    return true;
  }

  onData(chunk: Buffer): boolean {
    const cap = this.rt.maxBodyBytes;
    this.bodyBytes += chunk.length;
    if (this.bodyBytes <= cap) this.chunks.push(chunk);
    else if (this.bodyBytes - chunk.length <= cap) {
      this.chunks.length = 0;
      this.abortFlight(bodyTooLargeError(cap));
    }
    return true;
  }

  /** The cap on one answer; the WebSocket transport applies it to each message. */
  get maxBodyBytes(): number {
    return this.rt.maxBodyBytes;
  }

  onComplete(): void {
    // Before the in-flight check: a request still on a connection when its VU closed must free its lane too.
    this.endFlight(false);
    if (!this.isInFlight) return;
    this.isInFlight = false;
    this.settle(this.status, this.step!.isEnvelopeOnly ? this.scan() : this.parse());
  }

  onError(err: Error): void {
    this.endFlight(true);
    if (isRunEnded(err)) this.onAbandoned();
    else this.onTransportFailure(transportReason(err), err);
  }

  /**
   * The run ended with the request in flight (the pool or the socket was closed under it):
   * each call is counted abandoned, not failed, and no retry is tried.
   */
  onAbandoned(): void {
    if (!this.isInFlight) return;
    this.isInFlight = false;
    const calls = this.step!.calls;
    for (let i = 0; i < calls.length; i++) this.rt.sink.abandoned(calls[i]!.handle);
    this.vu.resume();
  }

  /** True when a WebSocket message answers the request in flight (not a notification or a stale id). */
  isWsAnswer(doc: unknown): boolean {
    if (!this.isInFlight) return false;
    // Not JSON: nothing else shares the socket's request slot, so it is this call's answer.
    if (doc === undefined) return true;
    const isBatch = this.step!.isBatch;
    if (Array.isArray(doc) !== isBatch) return false;
    return isBatch || (typeof doc === 'object' && doc !== null && 'id' in doc && doc.id === this.ids[0]);
  }

  /** Settles the request in flight with a WebSocket answer (after isWsAnswer said yes). */
  onWsAnswer(doc: unknown, text: string): void {
    this.isInFlight = false;
    this.bodyText = text;
    this.settle(0, doc);
  }

  /** Network failure, timeout or a closed socket while a request is in flight. */
  onTransportFailure(reason: string, detail?: Error): void {
    if (!this.isInFlight) return;
    this.isInFlight = false;
    const step = this.step!;
    if (step.rateLimitKey !== null) this.rl.unanswered();
    const r = step.retry;
    if (r !== null && (r.onNetwork || (r.onTimeout && reason === 'timeout'))) {
      if (this.attempt < r.attempts) return this.scheduleRetry(0);
      this.rt.sink.add(RPC_RETRIES_EXHAUSTED);
    }
    const v = this.verdict;
    v.fail(reason, detail);
    for (let i = 0; i < step.calls.length; i++) this.record(i, v, reason === 'timeout', 0);
    this.vu.resume();
  }

  /** Ends the VU's session: no retry may fire after it. */
  close(): void {
    this.abandonRetry();
    this.isInFlight = false;
  }

  /** Ended while waiting to retry (the run's end, an abort): the calls got no answer, so they are abandoned. */
  abandonRetry(): void {
    if (this.retryTimer === null) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.rt.retrying.delete(this);
    const calls = this.step!.calls;
    for (let i = 0; i < calls.length; i++) this.rt.sink.abandoned(calls[i]!.handle);
  }

  header(name: string): string | undefined {
    return rawHeader(this.rawHeaders, name);
  }

  text(): string {
    if (this.bodyText === null) this.bodyText = this.chunks.length === 1 ? this.chunks[0]!.toString('utf8') : Buffer.concat(this.chunks).toString('utf8');
    return this.bodyText;
  }

  json(): unknown {
    return this.message;
  }

  private parse(): unknown {
    if (this.chunks.length === 0) return undefined;
    const v = parseJson(this.text());
    return v === MALFORMED_JSON ? undefined : v;
  }

  /** The answer's envelope without its result (rpc-envelope-scan.ts); parsed whole only when nested too deep to scan. */
  private scan(): unknown {
    if (this.chunks.length === 0) return undefined;
    const env = scanEnvelope(this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks));
    return env === null ? this.parse() : env;
  }

  /** Classifies every call of the answer, retries or records, then resumes the VU. */
  private settle(status: number, doc: unknown): void {
    const step = this.step!;
    const v = this.verdict;
    const calls = step.calls;
    // Read only by a call's checks: an envelope-only call has none, and reading would build them (prepareRequest).
    const vars = step.isEnvelopeOnly ? NO_VARS : this.vu.vars;
    const nominal = status === 0 ? 200 : status;
    if (!step.isBatch) {
      classifySingle(calls[0]!, doc, nominal, this.ids[0], this, vars, v);
      if (step.rateLimitKey !== null) this.tapAnswer(nominal === 429 || v.rpcCode === -32001 || (v.kind === EXPECTED && v.name === 'rate_limited'), doc);
      if (v.kind !== OK && this.shouldRetry(nominal, v.rpcCode, doc)) return;
      this.record(0, v, true, status);
      return this.vu.resume();
    }
    // A batch is retried as a whole, on its HTTP status only (per-call codes differ call by call).
    if (step.rateLimitKey !== null) this.tapAnswer(status === 429, undefined);
    if (status !== 0 && this.shouldRetry(status, 0, undefined)) return;
    const foreign = Array.isArray(doc) ? matchBatch(doc, this.ids, this.match) : 0;
    for (let i = 0; i < calls.length; i++) {
      classifyBatchCall(calls[i]!, doc, nominal, Array.isArray(doc) ? this.match[i]! : -1, this, vars, v);
      this.record(i, v, true, status);
    }
    if (foreign > 0) this.rt.sink.add(RPC_FOREIGN_IDS, foreign);
    this.vu.resume();
  }

  /** Schedules a retry when the policy covers this answer and attempts remain; true when it did. */
  private shouldRetry(status: number, rpcCode: number, doc: unknown): boolean {
    const r = this.step!.retry;
    if (r === null || !(r.statuses.has(status) || (rpcCode !== 0 && r.codes.has(rpcCode)))) return false;
    if (this.attempt >= r.attempts) {
      this.rt.sink.add(RPC_RETRIES_EXHAUSTED);
      return false;
    }
    let after = retryAfterMs(this.header('retry-after'));
    if (after === 0 && rpcCode !== 0) after = retryAfterMs(retryAfterOf(doc));
    if (after > 0 && this.step!.rateLimitKey !== null) this.rl.retryingAfterWait();
    this.scheduleRetry(after);
    return true;
  }

  /** Feeds expect.rateLimit: limited or admitted, and whether a limit named its wait. */
  private tapAnswer(isLimited: boolean, doc: unknown): void {
    this.rl.answered(isLimited, !isLimited || hasWaitHeader(this) || retryAfterOf(doc) !== undefined);
  }

  private scheduleRetry(afterMs: number): void {
    this.rt.sink.add(RPC_RETRIES);
    this.retryTimer = setTimeout(this.onRetryTimer, retryDelayMs(this.step!.retry!, this.attempt, afterMs, this.vu.nextRandom()));
    // The run's own timers keep the process alive; a retry must not outlive an aborted run.
    this.retryTimer.unref();
    this.rt.retrying.add(this);
  }

  private record(i: number, v: Verdict, hasLatency: boolean, status: number): void {
    const call = this.step!.calls[i]!;
    const sink = this.rt.sink;
    const h = call.handle;
    const nowUs = this.rt.nowUs();
    if (hasLatency) sink.recordLatency(h, nowUs - this.startUs);
    if (status > 0) sink.status(h, status);
    if (v.kind === OK) sink.ok(h);
    else if (v.kind === EXPECTED) sink.expected(h, v.name);
    else sink.failed(h, v.name, v.detail ?? this.bodyText ?? this.chunks[0]);
    const identifier = this.identifiers[i];
    if (identifier === null || identifier === undefined) return;
    if (v.kind === OK) this.rt.accounting.ok(identifier, this.sentUs);
    else if (v.kind === EXPECTED && v.name === QUOTA_OUTCOME) this.rt.accounting.exceeded(identifier, nowUs);
  }
}

/** `error.data.retry_after` (seconds), as AgentCore sends it with -32001. */
function retryAfterOf(doc: unknown): unknown {
  return (doc as { error?: { data?: { retry_after?: unknown } } } | null)?.error?.data?.retry_after;
}
