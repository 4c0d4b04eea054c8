/**
 * The `http` engine: get/post/put/patch/delete/head steps on undici Clients,
 * a ClientPool per origin, driven through `dispatch` with a reusable per-VU handler.
 * Static steps send a pre-built options object; templated steps render only
 * their dynamic parts per request.
 */
import type { Deadlines, Engine, RunContext, StepCompileContext, StepInput, VirtualUser } from '../../engine/contracts.ts';
import type { Recorder } from '../../engine/contracts.ts';
import { compileHttpStep, type DispatchOpts, type HttpStep } from './http-step.ts';
import { HttpExchange, type RedirectSender } from './http-exchange.ts';
import { addCookies, cookieHeaderFor, cookieJarOptionsOf, newJar, withCookieHeader, type CookieJarSetting } from './user-cookies.ts';
import { nextHop } from './redirect.ts';
import type { VuVars } from '../../engine/contracts.ts';
import { ClientPool } from '../../engine/transport/client-pool.ts';
import { loadUndici } from '../../engine/transport/network-libraries.ts';
import { NO_HTTP_OUTCOMES, resolveTarget, type ResolvedTarget } from './target.ts';
import { RPC_NONE, rpcIdsOf } from './jsonrpc-body.ts';
import { DEFAULT_MAX_BODY_BYTES, maxBodyBytesOf } from '../../engine/transport/body-limit.ts';
import { dispatchOf, hookRequestOf } from './hooked-request.ts';
import { runEndedError } from '../../engine/transport/run-ended-error.ts';
import { buildRequest, prebuildRequest } from './build-request.ts';

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head'] as const;
/** Finished VUs' exchanges kept for reuse. */
const MAX_FREE_EXCHANGES = 4096;
/** What a free exchange points at instead of the VU it last served (see HttpExchange.release). */
const DETACHED_VU: VirtualUser = Object.freeze({ id: 0, vars: Object.freeze({}), session: null, scheduledUs: 0, nextRandom: () => 0, resume() {}, log() {}, failScenario() {} });
/** Pool size per origin when neither config.http.connections nor the plan's user count says more. */
export const DEFAULT_CONNECTIONS = 128;

/** See the module comment. */
export class HttpEngine implements Engine<HttpStep, HttpExchange | null>, RedirectSender {
  readonly id = 'http';
  readonly stepKeys = METHODS;
  /** closeSession detaches the exchange from the VU (HttpExchange.release), and a finished exchange gets no more callbacks. */
  readonly releasesVuOnClose = true;
  private readonly pools = new Map<string, ClientPool>();
  private readonly freeExchanges: HttpExchange[] = [];
  private target: ResolvedTarget | null = null;
  private sink: Recorder | null = null;
  private nowUs: () => number = () => 0;
  private deadlines: Deadlines | null = null;
  private connections = DEFAULT_CONNECTIONS;
  private pipelining = 1;
  /** Set by close(), cleared by init(): a hooked request whose beforeRequest ends after the run is abandoned, not sent. */
  private isClosed = false;
  private maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
  /** Options for each user's cookie jar; null when config.http.cookieJar is false. */
  private cookieOptions: Record<string, unknown> | null = {};
  /** undici connect options: `config.http.tls` (rejectUnauthorized: false) over the bounded DNS lookup. */
  private tls: Record<string, unknown> | null = null;

  compileStep(key: string, step: StepInput, ctx: StepCompileContext): HttpStep {
    return compileHttpStep(key, step, ctx, NO_HTTP_OUTCOMES);
  }

  async init(run: RunContext): Promise<void> {
    await loadUndici();
    this.target = resolveTarget(run.target);
    this.sink = run.sink;
    this.nowUs = run.nowUs;
    this.deadlines = run.deadlines;
    this.isClosed = false;
    const http = (run.config.http ?? {}) as { connections?: number; pipelining?: number; cookieJar?: CookieJarSetting; tls?: Record<string, unknown> };
    // tough-cookie loads at the run's first cookie (user-cookies.ts), not here: most targets set none.
    this.cookieOptions = cookieJarOptionsOf(http.cookieJar);
    this.tls = http.tls !== undefined && http.tls.rejectUnauthorized === false ? { rejectUnauthorized: false } : null;
    // Unbounded pools spiral when the generator runs late: every queued arrival opens a socket, which costs
    // more CPU, which makes it later. So the default is one connection per possible VU, at least 128.
    this.connections = http.connections ?? Math.max(DEFAULT_CONNECTIONS, run.concurrencyHint ?? 0);
    this.pipelining = http.pipelining ?? 1;
    this.maxBodyBytes = maxBodyBytesOf(run.config);
  }

  /** Reuses a finished VU's exchange when there is one: open-model runs start thousands of VUs a second. */
  openSession(vu: VirtualUser<HttpExchange | null>): HttpExchange {
    const ex = this.freeExchanges.pop();
    if (ex === undefined) {
      const fresh = new HttpExchange(vu, this.sink!, this.nowUs, this);
      fresh.maxBodyBytes = this.maxBodyBytes;
      fresh.cookieOptions = this.cookieOptions;
      return fresh;
    }
    ex.vu = vu;
    return ex;
  }

  runStep(step: HttpStep, vu: VirtualUser<HttpExchange | null>): void {
    if (step.hooks !== null) return this.runHooked(step, vu);
    const ex = vu.session!;
    ex.begin(step);
    let origin: string;
    let opts: DispatchOpts;
    ex.trackFlight(this.deadlines!, step.timeoutMs, ex.dispatchedUs);
    // A request that cannot be built (a URL that does not parse) is that request's failure, never a crash.
    try {
      if (step.isStatic) {
        // Built on first use, once per run: the target is settled only at init.
        if (step.staticOpts === null) prebuildRequest(step, this.target!);
        origin = step.staticOrigin!;
        opts = step.staticOpts!;
        if (step.rpcKind !== RPC_NONE) ex.rpcIds = step.rpcIds!;
      } else {
        const built = buildRequest(step, vu.vars, this.target!);
        origin = built.origin;
        opts = built.opts;
        if (step.rpcKind !== RPC_NONE) ex.rpcIds = step.rpcIds ?? rpcIdsOf(built.json, step.rpcKind);
      }
      this.send(ex, origin, step.cookies === null ? opts : this.stepCookies(ex, step, vu.vars, origin, opts));
    } catch (e) {
      ex.onError(e as Error);
    }
  }

  /**
   * A step with processor hooks: beforeRequest may change the request, so it
   * is rendered into an object first and sent as the hooks leave it. Time
   * spent in the hooks is the generator's, not the target's: it is added to
   * the request's scheduled start so latency does not include it.
   */
  private runHooked(step: HttpStep, vu: VirtualUser<HttpExchange | null>): void {
    const ex = vu.session!;
    const req = hookRequestOf(step, vu.vars, step.name);
    const hooksStartUs = this.nowUs();
    step.hooks!.before(req, vu, (isOk) => {
      if (!isOk) return vu.resume();
      vu.scheduledUs += this.nowUs() - hooksStartUs;
      ex.begin(step);
      ex.hookRequest = req;
      if (this.isClosed) return ex.onError(runEndedError());
      let built;
      try {
        built = dispatchOf(req, this.target!);
      } catch (e) {
        return ex.onError(e as Error);
      }
      if (step.rpcKind !== RPC_NONE) ex.rpcIds = rpcIdsOf(built.json, step.rpcKind);
      ex.trackFlight(this.deadlines!, step.timeoutMs, ex.dispatchedUs);
      try {
        this.send(ex, built.origin, step.cookies === null ? built.opts : this.stepCookies(ex, step, vu.vars, built.origin, built.opts));
      } catch (e) {
        ex.onError(e as Error);
      }
    });
  }

  /**
   * Sends `opts` to `origin` for `ex`, with the user's cookies for that URL
   * when it has a jar (nothing to do for a user that never got a cookie).
   */
  private send(ex: HttpExchange, origin: string, opts: DispatchOpts): void {
    ex.origin = origin;
    ex.sentOpts = opts;
    const jar = ex.jar;
    if (jar !== null) {
      const cookie = cookieHeaderFor(jar, origin + opts.path);
      if (cookie !== null) opts = withCookieHeader(opts, cookie);
    }
    this.pool(origin).dispatch(opts, ex);
  }

  /**
   * A request's `cookie:` map: into the user's jar, as Artillery does (so later
   * requests send it too). With jars off it goes with this request only.
   */
  private stepCookies(ex: HttpExchange, step: HttpStep, vars: VuVars, origin: string, opts: DispatchOpts): DispatchOpts {
    const pairs = step.cookies!.map(([k, t]) => [k, t.render(vars)] as const);
    if (this.cookieOptions === null) return withCookieHeader(opts, pairs.map(([k, v]) => `${k}=${v}`).join('; '));
    ex.jar ??= newJar(this.cookieOptions);
    addCookies(ex.jar, pairs, origin + opts.path);
    return opts;
  }

  /** RedirectSender: the next hop of `ex`'s request (redirect.ts), under a fresh deadline of the step's timeout. */
  follow(ex: HttpExchange, status: number, location: string): boolean {
    const hop = nextHop(status, location, ex.origin, ex.sentOpts!);
    if (hop === null) return false;
    ex.beginHop();
    ex.trackFlight(this.deadlines!, ex.step!.timeoutMs, this.nowUs());
    try {
      this.send(ex, hop.origin, hop.opts);
    } catch (e) {
      ex.onError(e as Error);
    }
    return true;
  }

  closeSession(vu: VirtualUser<HttpExchange | null>): void {
    const ex = vu.session!;
    vu.session = null;
    if (this.freeExchanges.length < MAX_FREE_EXCHANGES) {
      ex.release(DETACHED_VU);
      this.freeExchanges.push(ex);
    }
  }

  async close(): Promise<void> {
    this.isClosed = true;
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((p) => p.destroy()));
  }

  private pool(origin: string): ClientPool {
    let p = this.pools.get(origin);
    if (p === undefined) {
      p = new ClientPool(origin, this.connections, this.pipelining, 30_000, this.tls);
      this.pools.set(origin, p);
    }
    return p;
  }
}
