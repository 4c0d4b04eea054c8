/**
 * The `ws` engine: connect / send / waitFor / ping / hold / close steps on
 * the `ws` package, one connection per virtual user that persists across
 * its steps. Built to hold 10 000+ connections from one process:
 *
 * - one DeadlineHeap timer for every connect timeout, waitFor timeout,
 *   hold end and keep-alive of the run, never a timer per connection;
 * - listeners attached once per connection, as shared functions that
 *   dispatch to the session (no closure per connection or per message);
 * - static URLs, options and payloads built once; perMessageDeflate off
 *   unless config.ws.perMessageDeflate turns it on.
 *
 * Connection stability is accounted in WsMeters; `closeSession` is where a
 * flow that ended without `close` has its connection closed (and counted
 * as completed), and `close()` cuts what is still open at the end of the
 * run (abandoned, excluded from stability).
 */
import type { ClientOptions } from 'ws';
import type { Engine, RunContext, StepCompileContext, StepInput, VirtualUser } from '../../engine/contracts.ts';
import { WS_CONNECTIONS } from '../../engine/metrics/names.ts';
import { boundedLookup } from '../../engine/transport/bounded-lookup.ts';
import { DeadlineHeap } from './deadline-heap.ts';
import { compileWsStep, WS_STEP_KEYS } from './compile-ws-step.ts';
import { emfileLine, openFileLimits } from './fd-limit.ts';
import type { SessionSocket } from './session-socket.ts';
import { WsMeters } from './ws-meters.ts';
import type { WsRuntime } from './ws-connection.ts';
import { WsSession } from './ws-session.ts';
import type { ConnectStep, WsStep } from './ws-step.ts';
import { appendQuery, resolveWsUrl, wsTarget, type WsTarget } from './ws-url.ts';

/** See the module comment. One instance per run (builtinEngines makes fresh ones). */
export class WsEngine implements Engine<WsStep>, WsRuntime {
  readonly id = 'ws';
  readonly stepKeys = WS_STEP_KEYS;
  meters: WsMeters = null as unknown as WsMeters;
  heap: DeadlineHeap = null as unknown as DeadlineHeap;
  nowUs: () => number = () => 0;
  private readonly connects: ConnectStep[] = [];
  private readonly live = new Set<SessionSocket>();
  private target: WsTarget | null = null;
  private baseOptions: ClientOptions = {};
  private hasReportedEmfile = false;
  private fdLimits: { soft: string; hard: string } | null = null;
  private isClosed = false;

  compileStep(key: string, step: StepInput, ctx: StepCompileContext): WsStep {
    const compiled = compileWsStep(key, step, ctx);
    if (compiled.kind === 'connect') this.connects.push(compiled);
    return compiled;
  }

  async init(run: RunContext): Promise<void> {
    this.meters = new WsMeters(run.sink);
    this.nowUs = run.nowUs;
    this.heap = new DeadlineHeap(() => run.nowUs() / 1000);
    this.target = wsTarget(run.target);
    this.fdLimits = openFileLimits();
    const cfg = (run.config.ws ?? {}) as { perMessageDeflate?: boolean };
    // skipUTF8Validation: a load generator only reads what its checks ask for; validating every frame costs CPU at 10k connections.
    this.baseOptions = Object.freeze({
      perMessageDeflate: cfg.perMessageDeflate === true, skipUTF8Validation: true, followRedirects: false, lookup: boundedLookup,
    });
    for (const c of this.connects) {
      if (!c.isStatic) continue;
      c.staticUrl = this.url(c, {});
      c.staticOptions = this.options(c, {});
    }
  }

  openSession(vu: VirtualUser): WsSession {
    return new WsSession(vu, this);
  }

  runStep(step: WsStep, vu: VirtualUser): void {
    const s = vu.session as WsSession;
    switch (step.kind) {
      case 'connect': {
        if (step.staticUrl !== null) s.connect(step, step.staticUrl, step.staticOptions!);
        else s.connect(step, this.url(step, vu.vars), this.options(step, vu.vars));
        return;
      }
      case 'send': return s.send(step);
      case 'waitFor': return s.waitFor(step);
      case 'ping': return s.ping(step.probe);
      case 'hold': return s.holdFor(step);
      case 'close': return s.closeStep(step.code, step.reason);
    }
  }

  closeSession(vu: VirtualUser): void {
    if (!this.isClosed) (vu.session as WsSession).end();
  }

  async close(): Promise<void> {
    this.isClosed = true;
    this.heap?.clear();
    for (const s of this.live) {
      s.owner?.abandon();
      s.owner = null;
      s.terminate();
    }
    this.live.clear();
  }

  track(s: SessionSocket): void {
    this.live.add(s);
  }

  untrack(s: SessionSocket): void {
    this.live.delete(s);
  }

  onEmfile(vu: VirtualUser): void {
    if (this.hasReportedEmfile) return;
    this.hasReportedEmfile = true;
    vu.log(emfileLine(this.meters.sink.gauge(WS_CONNECTIONS), this.fdLimits));
  }

  private url(step: ConnectStep, vars: Record<string, unknown>): string {
    const url = resolveWsUrl(this.target!, step.url.render(vars));
    return step.query === null ? url : appendQuery(url, step.query.render(vars));
  }

  private options(step: ConnectStep, vars: Record<string, unknown>): ClientOptions {
    if (step.headers.length === 0) return this.baseOptions;
    const headers: Record<string, string> = {};
    for (const [k, t] of step.headers) headers[k] = t.render(vars);
    return { ...this.baseOptions, headers };
  }
}
