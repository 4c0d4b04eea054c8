/**
 * The `ws` engine: connect / send / waitFor / ping / hold / close steps on
 * the `ws` package, one connection per virtual user that persists across
 * its steps. Built to hold 10 000+ connections from one process:
 *
 * - every connect timeout, waitFor timeout, hold end and keep-alive on the
 *   run's deadline service (RunContext.deadlines), never a timer per connection;
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
import type { Deadlines, Engine, RunContext, StepCompileContext, StepInput, VirtualUser } from '../../engine/contracts.ts';
import { WS_CONNECTIONS } from '../../engine/metrics/names.ts';
import { compileWsStep, WS_STEP_KEYS } from './compile-ws-step.ts';
import { emfileLine, openFileLimits } from './fd-limit.ts';
import { loadSessionSockets, type SessionSocket } from './session-socket.ts';
import { WsMeters } from './ws-meters.ts';
import type { WsRuntime } from './ws-connection.ts';
import { WsSession } from './ws-session.ts';
import type { ConnectStep, WsStep } from './ws-step.ts';
import { wsTarget, type WsTarget } from './ws-url.ts';
import { baseClientOptions, connectOptions, connectUrl, prebuildConnect } from './connect-request.ts';
import { callConnectFunction } from './connect-function.ts';

/** See the module comment. One instance per run (builtinEngines makes fresh ones). */
export class WsEngine implements Engine<WsStep, WsSession>, WsRuntime {
  readonly id = 'ws';
  readonly stepKeys = WS_STEP_KEYS;
  meters: WsMeters = null as unknown as WsMeters;
  heap: Deadlines = null as unknown as Deadlines;
  nowUs: () => number = () => 0;
  private readonly live = new Set<SessionSocket>();
  private target: WsTarget | null = null;
  private baseOptions: ClientOptions = {};
  private hasReportedEmfile = false;
  private fdLimits: { soft: string; hard: string } | null = null;
  private isClosed = false;

  compileStep(key: string, step: StepInput, ctx: StepCompileContext): WsStep {
    return compileWsStep(key, step, ctx);
  }

  async init(run: RunContext): Promise<void> {
    await loadSessionSockets();
    this.meters = new WsMeters(run.sink);
    this.nowUs = run.nowUs;
    this.heap = run.deadlines;
    this.target = wsTarget(run.target);
    this.fdLimits = openFileLimits();
    this.baseOptions = baseClientOptions(run.config);
  }

  openSession(vu: VirtualUser<WsSession>): WsSession {
    return new WsSession(vu, this);
  }

  runStep(step: WsStep, vu: VirtualUser<WsSession>): void {
    const s = vu.session;
    switch (step.kind) {
      case 'connect': {
        if (step.fn !== null) return this.connectThroughFunction(step, vu);
        if (step.isStatic) {
          // Built on first use, once per run: the target is settled only at init.
          if (step.staticUrl === null) prebuildConnect(step, this.target!, this.baseOptions);
          s.connect(step, step.staticUrl!, step.staticOptions!);
        } else s.connect(step, connectUrl(step, vu.vars, this.target!), connectOptions(step, vu.vars, this.baseOptions));
        return;
      }
      case 'send': return s.send(step);
      case 'waitFor': return s.waitFor(step);
      case 'ping': return s.ping(step.probe);
      case 'hold': return s.holdFor(step);
      case 'close': return s.closeStep(step.code, step.reason);
    }
  }

  /** A connect with a processor `function`: it sees (and may change) the URL, subprotocols and options first. */
  private connectThroughFunction(step: ConnectStep, vu: VirtualUser<WsSession>): void {
    const session = vu.session;
    const url = connectUrl(step, vu.vars, this.target!);
    callConnectFunction(step.fn!, vu, url, step.subprotocols, connectOptions(step, vu.vars, this.baseOptions), (args) => {
      if (args === null || this.isClosed) return vu.resume();
      session.connect(step, args.url, args.options, args.subprotocols);
    });
  }

  closeSession(vu: VirtualUser<WsSession>): void {
    if (!this.isClosed) vu.session.end();
  }

  close(): Promise<void> {
    this.isClosed = true;
    for (const s of this.live) {
      s.owner?.abandon();
      s.owner = null;
      s.terminate();
    }
    this.live.clear();
    return Promise.resolve();
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
}
