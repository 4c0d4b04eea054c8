/**
 * The per-VU undici dispatch handler. One object per virtual user, reused
 * for every request that VU sends (a VU has at most one request in flight),
 * so the plain path allocates no handler, closure or promise per request.
 * It uses undici's raw handler protocol (onConnect/onHeaders/onData/
 * onComplete/onError), which dispatch passes through without wrapping.
 *
 * Latency runs from vu.scheduledUs — the request's scheduled start — to the
 * last body byte, so time queued for a connection is included.
 *
 * Timeouts are RequestDeadlines' (see there): expire() aborts the request
 * through the abort function undici hands to onConnect, or fails it at once
 * while it still waits in the ClientPool for a connection.
 */
import type { Recorder } from '../../engine/contracts.ts';
import type { HookRequest, VirtualUser } from '../../engine/contracts.ts';
import { hookResponseOf } from './hooked-request.ts';
import type { HttpStep } from './http-step.ts';
import { classifyBatchCall, classifySingle, matchBatch, Verdict, EXPECTED, FAILED, OK, type CallView } from '../../engine/checks/jsonrpc-verdict.ts';
import { NO_RPC_IDS, RPC_NONE, RPC_SINGLE } from './jsonrpc-body.ts';
import { transportReason } from '../../engine/metrics/transport-reason.ts';
import { MALFORMED_JSON, parseJson, rawHeader } from '../../engine/response-view.ts';
import { HTTP_POOL_WAITS, RPC_FOREIGN_IDS } from '../../engine/metrics/names.ts';
import { PooledFlight } from '../../engine/transport/pooled-flight.ts';
import { isRunEnded } from '../../engine/transport/run-ended-error.ts';
import { bodyTooLargeError, DEFAULT_MAX_BODY_BYTES } from '../../engine/transport/body-limit.ts';
import { RL_ADMITTED, RL_LIMITED, RL_LIMITED_WITHOUT_WAIT, RL_UNDER_LIMITED, hasWaitHeader } from '../../engine/metrics/rate-limit-recorder.ts';

/** A request that waited longer than this for a free connection is counted in http_pool_waits. */
const POOL_WAIT_THRESHOLD_US = 5000;

/**
 * See the module comment. Implements ResponseView for the step's checks; as a
 * CallView, json() stays the whole body (a batch's checks see the whole answer).
 */
export class HttpExchange extends PooledFlight implements CallView {
  step: HttpStep | null = null;
  private status = 0;
  private rawHeaders: Buffer[] | null = null;
  private chunks: Buffer[] = [];
  /** The first chunk of an error answer nobody collects: a failure's sample message (failure-samples.ts). */
  private errorChunk: Buffer | null = null;
  private bodyText: string | null = null;
  private parsed: unknown = undefined;
  private isParsed = false;
  private isCollecting = false;
  /** Bytes of the answer kept so far, and the most that may be (body-limit.ts; the engine sets it from the config). */
  private bodyBytes = 0;
  maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
  /** When the request in flight was dispatched (run µs); its deadline runs from here. */
  dispatchedUs = 0;
  /** The rate-limit key and run second of the request in flight (only when expect.rateLimit is on). */
  private rlKey = '';
  private rlSecond = 0;
  private rlIsUnder = false;
  /** JSON-RPC ids of the request in flight (set by the engine's runStep for JSON-RPC steps only). */
  rpcIds: readonly unknown[] = NO_RPC_IDS;
  /** The request as processor hooks left it (hooked-request.ts), for afterResponse; null on hook-free steps. */
  hookRequest: HookRequest | null = null;
  /** CallView: the one answer being classified (jsonrpc-verdict sets it). */
  message: unknown = undefined;
  private readonly verdict = new Verdict();
  private readonly match: number[] = [];

  /** The VU this exchange serves; reassigned when the engine reuses the exchange for a new VU. */
  vu: VirtualUser;

  constructor(vu: VirtualUser, private readonly sink: Recorder, private readonly nowUs: () => number) {
    super();
    this.vu = vu;
  }

  /**
   * Drops everything the finished VU left (the VU itself, the last response's
   * buffers) before the exchange waits in the free list. A waiting exchange that
   * still pointed at its young VU kept it alive through scavenges: after a
   * stall, thousands of dead VUs were copied and promoted, which made the next
   * scavenge longer (4.5 ms median at 20 000 arrivals/s against 1.7 ms for a bare
   * undici loop).
   */
  release(detached: VirtualUser): void {
    this.vu = detached;
    this.step = null;
    if (this.chunks.length > 0) this.chunks = [];
    this.errorChunk = null;
    this.rawHeaders = null;
    this.bodyText = null;
    this.parsed = undefined;
    this.message = undefined;
    this.rpcIds = NO_RPC_IDS;
    this.hookRequest = null;
  }

  /** Prepares for one request of `step`. */
  begin(step: HttpStep): void {
    this.step = step;
    this.dispatchedUs = this.nowUs();
    this.status = 0;
    this.beginFlight();
    this.isCollecting = step.collectsBody;
    this.bodyBytes = 0;
    if (this.chunks.length > 0) this.chunks = [];
    this.errorChunk = null;
    this.rawHeaders = null;
    this.bodyText = null;
    this.isParsed = false;
    this.parsed = undefined;
    if (step.rateLimitKey !== null) {
      this.rlKey = step.rateLimitKey.render(this.vu.vars);
      this.rlSecond = Math.floor(this.dispatchedUs / 1e6);
      this.rlIsUnder = this.sink.rateLimits?.offered(this.rlKey, this.dispatchedUs) ?? false;
    }
  }

  /** undici calls this when the request is written to a socket: the time before it was spent waiting for a connection. */
  onConnect(abort: (err: Error) => void): void {
    if (!this.connectFlight(abort)) return;
    if (this.nowUs() - this.dispatchedUs > POOL_WAIT_THRESHOLD_US) this.sink.add(HTTP_POOL_WAITS);
  }

  onHeaders(status: number, rawHeaders: Buffer[]): boolean {
    this.status = status;
    if (this.step!.checks !== null || this.step!.rateLimitKey !== null || this.step!.hooks !== null) this.rawHeaders = rawHeaders;
    return true;
  }

  onData(chunk: Buffer): boolean {
    // A body nobody reads is not kept: nothing to count, whatever its size. An error answer's
    // first chunk is held (not copied) until the request is recorded, for its sample message.
    if (!this.isCollecting && this.status >= 400 && this.errorChunk === null) this.errorChunk = chunk;
    if (this.isCollecting) {
      this.bodyBytes += chunk.length;
      if (this.bodyBytes <= this.maxBodyBytes) this.chunks.push(chunk);
      else {
        this.isCollecting = false;
        this.chunks = [];
        this.abortFlight(bodyTooLargeError(this.maxBodyBytes));
      }
    }
    return true;
  }

  onComplete(): void {
    this.endFlight(false);
    const step = this.step!;
    const h = step.handle;
    const sink = this.sink;
    const status = this.status;
    sink.recordLatency(h, this.nowUs() - this.vu.scheduledUs);
    sink.status(h, status);
    if (step.rpcKind !== RPC_NONE && this.rpcIds.length > 0) {
      this.settleRpc(step, status);
      return this.next();
    }
    const expected = step.outcomes.byStatus.get(status);
    if (step.rateLimitKey !== null) this.recordRateLimit(status === 429 || expected === 'rate_limited');
    if (expected !== undefined) sink.expected(h, expected);
    else {
      const checks = step.checks;
      const accepted = checks === null ? null : checks.acceptsStatus(status);
      if (accepted === false || (accepted === null && status >= 400)) sink.failed(h, status >= 400 ? `http_${status}` : 'expect_status', this.answerStart());
      else {
        const reason = checks === null ? null : checks.verify(this, this.vu.vars);
        if (reason === null) sink.ok(h);
        else sink.failed(h, reason, this.answerStart());
      }
    }
    this.next();
  }

  /** The step is recorded: afterResponse hooks, if the step has any, then the flow goes on. */
  private next(): void {
    const hooks = this.step!.hooks;
    if (hooks === null || !hooks.hasAfter) return this.vu.resume();
    const vu = this.vu;
    const res = hookResponseOf(this.status, this.rawHeaders, this.text());
    hooks.after(this.hookRequest!, res, vu, () => vu.resume());
  }

  /** A JSON-RPC body's answer: classified as tool-rpc classifies a call (jsonrpc-verdict.ts), then recorded. */
  private settleRpc(step: HttpStep, status: number): void {
    const v = this.verdict;
    const doc = this.json();
    if (step.rpcKind === RPC_SINGLE) classifySingle(step, doc, status, this.rpcIds[0], this, this.vu.vars, v);
    else this.classifyBatch(step, doc, status, v);
    this.message = undefined;
    if (step.rateLimitKey !== null) this.recordRateLimit(status === 429 || v.rpcCode === -32001 || (v.kind === EXPECTED && v.name === 'rate_limited'));
    if (v.kind === OK) this.sink.ok(step.handle);
    else if (v.kind === EXPECTED) this.sink.expected(step.handle, v.name);
    else this.sink.failed(step.handle, v.name, v.detail ?? this.answerStart());
  }

  /** The start of the answer, when any of it was kept: what a failure's sample message shows. */
  private answerStart(): Buffer | undefined {
    return this.chunks.length > 0 ? this.chunks[0] : (this.errorChunk ?? undefined);
  }

  /** One step, one outcome: a batch's verdict is its worst call's (the first failure, else the first expected outcome). */
  private classifyBatch(step: HttpStep, doc: unknown, status: number, v: Verdict): void {
    const ids = this.rpcIds;
    const isArray = Array.isArray(doc);
    if (isArray) {
      const foreign = matchBatch(doc, ids, this.match);
      if (foreign > 0) this.sink.add(RPC_FOREIGN_IDS, foreign);
    }
    let kind: 0 | 1 | 2 = OK;
    let name = '';
    let code = 0;
    for (let i = 0; i < ids.length && kind !== FAILED; i++) {
      classifyBatchCall(step, doc, status, isArray ? this.match[i]! : -1, this, this.vu.vars, v);
      if (v.kind > kind) {
        kind = v.kind;
        name = v.name;
        code = v.rpcCode;
      }
    }
    v.kind = kind;
    v.name = name;
    v.rpcCode = code;
  }

  private recordRateLimit(isLimited: boolean): void {
    const rl = this.sink.rateLimits;
    if (rl === null) return;
    rl.record(this.rlKey, this.rlSecond, isLimited ? RL_LIMITED : RL_ADMITTED);
    if (isLimited && !hasWaitHeader(this)) rl.record(this.rlKey, this.rlSecond, RL_LIMITED_WITHOUT_WAIT);
    if (isLimited && this.rlIsUnder) rl.record(this.rlKey, this.rlSecond, RL_UNDER_LIMITED);
  }

  onError(err: Error): void {
    this.endFlight(true);
    const step = this.step!;
    // Cut off by the run's end (ClientPool.destroy): the target never had its chance to answer.
    if (isRunEnded(err)) this.sink.abandoned(step.handle);
    else {
      let reason = transportReason(err);
      // Cut after the answer began: closed_early whether the target reset or closed. Node 20's undici reports
      // both as a socket close, Node 24's a reset as ECONNRESET; the cause must not depend on the runtime.
      if (reason === 'econnreset' && this.status !== 0) reason = 'closed_early';
      if (reason === 'timeout') this.sink.recordLatency(step.handle, this.nowUs() - this.vu.scheduledUs);
      this.sink.failed(step.handle, reason, err);
    }
    this.vu.resume();
  }

  onUpgrade(): void {}

  header(name: string): string | undefined {
    return rawHeader(this.rawHeaders, name);
  }

  text(): string {
    if (this.bodyText === null) this.bodyText = Buffer.concat(this.chunks).toString('utf8');
    return this.bodyText;
  }

  json(): unknown {
    if (!this.isParsed) {
      this.isParsed = true;
      const v = parseJson(this.text());
      this.parsed = v === MALFORMED_JSON ? undefined : v;
    }
    return this.parsed;
  }
}
