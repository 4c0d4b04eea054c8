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
 * Timeouts are the run's deadline service's (PooledFlight): expire() aborts the request
 * through the abort function undici hands to onConnect, or fails it at once
 * while it still waits in the ClientPool for a connection.
 */
import type { Recorder } from '../../engine/contracts.ts';
import type { HookRequest, RequestHooks, ResponseChecks, VirtualUser } from '../../engine/contracts.ts';
import { hookResponseOf } from './hooked-request.ts';
import type { HttpStep } from './http-step.ts';
import { classifyBatchCall, classifySingle, matchBatch, Verdict, EXPECTED, FAILED, OK, type CallView } from '../../engine/checks/jsonrpc-verdict.ts';
import { NO_RPC_IDS, RPC_NONE, RPC_SINGLE } from './jsonrpc-body.ts';
import { transportReason } from '../../engine/metrics/transport-reason.ts';
import { MALFORMED_JSON, parseJson, rawHeader } from '../../engine/response-view.ts';
import { HTTP_COOKIE_ERRORS, HTTP_POOL_WAITS, HTTP_REDIRECTS, RPC_FOREIGN_IDS } from '../../engine/metrics/names.ts';
import type { CookieJar } from 'tough-cookie';
import { findSetCookies, newJar, storeSetCookies } from './user-cookies.ts';
import { isFollowedRedirect } from './redirect.ts';
import type { DispatchOpts } from './http-step.ts';
import { PooledFlight } from '../../engine/transport/pooled-flight.ts';
import { isRunEnded } from '../../engine/transport/run-ended-error.ts';
import { bodyTooLargeError, DEFAULT_MAX_BODY_BYTES } from '../../engine/transport/body-limit.ts';
import { RL_ADMITTED, RL_LIMITED, RL_LIMITED_WITHOUT_WAIT, RL_UNDER_LIMITED, hasWaitHeader } from '../../engine/metrics/rate-limit-recorder.ts';

/** What sends a redirect's next hop (the engine). */
export interface RedirectSender {
  /** Sends `ex`'s request again to `location`; false when it is not a URL to follow (the 3xx is then the answer). */
  follow(ex: HttpExchange, status: number, location: string): boolean;
}

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

  /** Where the request in flight went, as sent before the jar's cookies were added (set-cookie and redirects resolve against it). */
  origin = '';
  sentOpts: DispatchOpts | null = null;
  /** Redirects followed for the request in flight. */
  hops = 0;
  /** The user's cookie jar (user-cookies.ts): null until its first cookie. */
  jar: CookieJar | null = null;
  /** Options for a new jar, or null when jars are off (config.http.cookieJar: false); the engine sets it. */
  cookieOptions: Record<string, unknown> | null = null;

  /** The VU this exchange serves; reassigned when the engine reuses the exchange for a new VU. */
  vu: VirtualUser;

  constructor(vu: VirtualUser, private readonly sink: Recorder, private readonly nowUs: () => number, private readonly sender: RedirectSender) {
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
    this.sentOpts = null;
    this.jar = null; // a jar is one user's
  }

  /** Prepares for one request of `step`. */
  begin(step: HttpStep): void {
    this.step = step;
    this.dispatchedUs = this.nowUs();
    this.hops = 0;
    this.beginHop();
    if (step.rateLimitKey !== null) {
      this.rlKey = step.rateLimitKey.render(this.vu.vars);
      this.rlSecond = Math.floor(this.dispatchedUs / 1e6);
      this.rlIsUnder = this.sink.rateLimits?.offered(this.rlKey, this.dispatchedUs) ?? false;
    }
  }

  /** Clears the answer of the previous request or hop (a redirect's next hop starts here). */
  beginHop(): void {
    const step = this.step!;
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
  }

  /**
   * undici calls this when the request is written to a socket. One that queued in the pool spent the time
   * before it waiting for a connection; one that found a free lane did not, and costs no clock read here.
   */
  onConnect(abort: (err: Error) => void): void {
    if (!this.connectFlight(abort)) return;
    if (this.hasWaited && this.nowUs() - this.dispatchedUs > POOL_WAIT_THRESHOLD_US) this.sink.add(HTTP_POOL_WAITS);
  }

  onHeaders(status: number, rawHeaders: Buffer[]): boolean {
    this.status = status;
    const step = this.step!;
    if (step.checks !== null || step.rateLimitKey !== null || step.hooks !== null || (status >= 300 && status < 400)) this.rawHeaders = rawHeaders;
    if (this.cookieOptions !== null) {
      const setCookies = findSetCookies(rawHeaders);
      if (setCookies !== null) this.keepCookies(setCookies);
    }
    return true;
  }

  /** A set-cookie answer: into the user's jar (made now if it has none), for the URL the request went to. */
  private keepCookies(values: string[]): void {
    this.jar ??= newJar(this.cookieOptions!);
    const bad = storeSetCookies(this.jar, values, this.origin + this.sentOpts!.path);
    if (bad > 0) this.sink.add(HTTP_COOKIE_ERRORS, bad);
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
    if (step.maxRedirects > 0 && isFollowedRedirect(status) && this.redirect(step)) return;
    sink.recordLatency(h, this.nowUs() - this.vu.scheduledUs);
    sink.status(h, status);
    if (this.hops > step.maxRedirects) {
      sink.failed(h, 'too_many_redirects');
      return this.next();
    }
    if (step.rpcKind !== RPC_NONE && this.rpcIds.length > 0) {
      this.settleRpc(step, status);
      return this.next();
    }
    const expected = step.outcomes.byStatus.get(status);
    if (step.rateLimitKey !== null) this.recordRateLimit(status === 429 || expected === 'rate_limited');
    if (expected !== undefined) sink.expected(h, expected);
    else {
      const checks = step.checks;
      const accepted = checks === null ? null : checks.acceptsStatus(status, this.vu.vars);
      if (accepted === false || (accepted === null && status >= 400)) {
        sink.failed(h, status >= 400 ? `http_${status}` : 'expect_status', this.answerStart());
        if (checks !== null) this.checkRefused(step, checks, accepted === null);
        if (accepted === false) step.expectTally?.failed(sink, 'expect_status');
        if (accepted === false && step.isCheckFatal) this.vu.failScenario();
      } else {
        const reason = checks === null ? null : checks.verify(this, this.vu.vars);
        if (reason === null) {
          sink.ok(h);
          step.expectTally?.passed(sink);
        } else {
          sink.failed(h, reason, this.answerStart());
          step.expectTally?.failed(sink, reason);
          // A failed capture ends the scenario by itself (the runner's capture check).
          if (step.isCheckFatal && reason !== 'capture') this.vu.failScenario();
        }
      }
    }
    this.next();
  }

  /**
   * A refused answer (4xx/5xx, or a status the step's checks refuse) is still
   * read for the step's captures and checks, as Artillery reads its body
   * whatever the status: a capture takes its value from it, and with no
   * status check, a strict legacy `match` (or the expect plugin's check with
   * reportFailuresAsErrors) that fails on it ends the user's scenario. The
   * request stays recorded as refused.
   */
  private checkRefused(step: HttpStep, checks: ResponseChecks, isStatusUnchecked: boolean): void {
    const reason = checks.verify(this, this.vu.vars);
    if (isStatusUnchecked && reason !== null && reason !== 'capture' && step.isCheckFatal) this.vu.failScenario();
  }

  /**
   * A 3xx with a location: its next hop is sent (true), unless the chain is
   * too long (false, recorded as too_many_redirects) or the location is no
   * http(s) URL (false: the 3xx is the answer). The whole chain is one
   * request: latency runs from the scheduled start to the final answer.
   */
  private redirect(step: HttpStep): boolean {
    const location = rawHeader(this.rawHeaders, 'location');
    if (location === undefined) return false;
    if (this.hops++ >= step.maxRedirects) return false;
    if (!this.sender.follow(this, this.status, location)) {
      this.hops--;
      return false;
    }
    this.sink.add(HTTP_REDIRECTS);
    return true;
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
      if (step.hooks !== null && step.hooks.hasError) return this.afterError(step.hooks, err);
    }
    this.vu.resume();
  }

  /** Artillery's scenario onError: its functions see the error and the request, then the user's scenario ends. */
  private afterError(hooks: RequestHooks, err: Error): void {
    const vu = this.vu;
    hooks.error(err, this.hookRequest!, vu, () => {
      vu.failScenario();
      vu.resume();
    });
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
