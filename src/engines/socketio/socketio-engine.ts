/**
 * The `socketio` engine: Artillery's socketio scenarios on socket.io-client.
 * Each virtual user opens one connection per namespace, at a `socketioConnect`
 * step (connect-step.ts; an Artillery scenario gets one for the main namespace
 * when it starts, as Artillery connects) or at that namespace's first `emit`
 * (Artillery connects other namespaces the same way), and closes them when its
 * flow ends. An emit records the time from its scheduled start to the
 * awaited answer (the `response` event or the acknowledgement), or to the
 * emit itself when nothing is awaited; HTTP steps in the same flow run on the
 * http engine.
 *
 * A `response` listens on its channel from the emit on, collecting every
 * message's arguments until the expected data fits them (answer-check.ts),
 * as Artillery's socketio engine does, so a message before the awaited one
 * (a progress note, another user's broadcast) is not a mismatch.
 *
 * Outcomes: ok, or failed with `socketio_connect` (the connection did not
 * open; `tls` when its certificate was refused), `timeout` (nothing on the
 * channel), `socketio_response` (messages came, none fitting, by the timeout),
 * `socketio_match` (a response match differs) or `socketio_ack` (the
 * acknowledgement's data or match differs). A failed emit ends the user's
 * scenario (vu.failScenario, counted in vusers_failed): Artillery's socketio
 * engine ends it on every step error, so the emits after a failed match are
 * not sent. An accepted answer's `capture`s are written into the user's
 * variables; one that finds nothing leaves its variable unset and the emit
 * ok. The runner then ends the scenario for a strict capture; the Artillery
 * form marks each socketio capture `strict: false`, as Artillery's socketio
 * engine ignores a failed capture (unlike its HTTP engine).
 */
import type { Socket, io as connectSocket } from 'socket.io-client';
import type { DeadlineItem, Deadlines, Engine, RunContext, StepCompileContext, StepInput, VirtualUser, VuVars } from '../../engine/contracts.ts';
import { isAnswerValid } from './answer-check.ts';
import { readJsonPath } from '../../engine/checks/json-path.ts';
import { transportReason } from '../../engine/metrics/transport-reason.ts';
import { compileEmitStep, type EmitStep } from './emit-step.ts';
import { compileConnectStep, PendingConnect, type ConnectOwner, type ConnectStep } from './connect-step.ts';

/** A compiled step of this engine. */
type SocketioStep = EmitStep | ConnectStep;

/** One user's sockets by namespace. */
interface SocketioSession {
  readonly sockets: Map<string, Socket>;
}

type Sink = RunContext['sink'];

/**
 * One emit in flight: its deadline and, while it waits for a `response`, the
 * listener on the channel and the arguments received so far.
 */
class PendingEmit implements DeadlineItem {
  heapIndex = -1;
  isDone = false;
  readonly collected: unknown[] = [];
  event = '';
  listener: ((...got: unknown[]) => void) | null = null;

  constructor(
    private readonly engine: SocketioEngine,
    readonly step: EmitStep,
    readonly vu: VirtualUser,
    readonly socket: Socket,
    public wakeMs: number,
  ) {}

  /** No fitting answer in time: messages on the channel that never fit are a data mismatch, as in Artillery. */
  onWake(): void {
    this.engine.end(this, !this.socket.connected ? 'socketio_connect' : this.collected.length > 0 ? 'socketio_response' : 'timeout');
  }
}

/** See the module comment. */
export class SocketioEngine implements Engine<SocketioStep, SocketioSession | null>, ConnectOwner {
  readonly id = 'socketio';
  readonly stepKeys = ['emit', 'socketioConnect'];
  private sink: Sink | null = null;
  private nowUs: () => number = () => 0;
  private deadlines: Deadlines | null = null;
  private target = '';
  private options: Record<string, unknown> = {};
  /** socket.io-client, loaded at init: a plan without socket.io steps never pays for loading it. */
  private io: typeof connectSocket | null = null;

  compileStep(key: string, step: StepInput, ctx: StepCompileContext): SocketioStep {
    return key === 'socketioConnect' ? compileConnectStep(step, ctx) : compileEmitStep(step, ctx);
  }

  async init(run: RunContext): Promise<void> {
    this.io = (await import('socket.io-client')).io;
    this.sink = run.sink;
    this.nowUs = () => run.nowUs();
    this.deadlines = run.deadlines;
    this.target = run.target.replace(/\/$/, '');
    const c = (run.config.socketio ?? {}) as Record<string, unknown>;
    // config.http.tls (Artillery's config.tls, or --insecure) applies over https as to HTTP requests: Artillery passes config.tls to io().
    const tls = (run.config.http as { tls?: { rejectUnauthorized?: unknown } } | undefined)?.tls;
    this.options = {
      transports: Array.isArray(c.transports) ? c.transports : ['websocket'],
      forceNew: true,
      reconnection: false,
      ...(c.query !== undefined ? { query: c.query } : {}),
      ...(c.extraHeaders !== undefined ? { extraHeaders: c.extraHeaders } : {}),
      ...(typeof c.path === 'string' ? { path: c.path } : {}),
      ...(tls?.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
    };
  }

  openSession(): SocketioSession {
    return { sockets: new Map() };
  }

  runStep(step: SocketioStep, vu: VirtualUser<SocketioSession | null>): void {
    if ('kind' in step) return this.connect(step, vu);
    const socket = this.socketOf(vu.session!, step.namespace.render(vu.vars));
    const deadlines = this.deadlines!;
    const pending = new PendingEmit(this, step, vu, socket, deadlines.nowMs() + step.timeoutMs);
    deadlines.update(pending);
    if (socket.connected) this.emit(pending);
    else {
      socket.once('connect', () => this.emit(pending));
      socket.once('connect_error', (err) => this.end(pending, connectCause(err)));
    }
  }

  /** The user's socket on `namespace`, opened now when it has none. */
  private socketOf(session: SocketioSession, namespace: string): Socket {
    let socket = session.sockets.get(namespace);
    if (socket === undefined) {
      socket = this.io!(this.target + namespace, this.options);
      session.sockets.set(namespace, socket);
    }
    return socket;
  }

  /** `socketioConnect`: ok once the namespace's connection is open (at once when it already is). */
  private connect(step: ConnectStep, vu: VirtualUser<SocketioSession | null>): void {
    const pending = new PendingConnect(this, step, vu, this.deadlines!.nowMs() + step.timeoutMs);
    const socket = this.socketOf(vu.session!, step.namespace.render(vu.vars));
    if (socket.connected) return this.endConnect(pending, null);
    this.deadlines!.update(pending);
    socket.once('connect', () => this.endConnect(pending, null));
    socket.once('connect_error', (err) => this.endConnect(pending, connectCause(err)));
  }

  /** Records a connect once (open, error or timeout) and resumes the user. */
  endConnect(p: PendingConnect, failure: string | null): void {
    if (p.isDone) return;
    p.isDone = true;
    if (p.heapIndex >= 0) this.deadlines!.remove(p);
    const { step, vu } = p;
    const sink = this.sink!;
    if (failure === null) {
      sink.recordLatency(step.handle, this.nowUs() - vu.scheduledUs);
      sink.ok(step.handle);
    } else {
      // No latency: as ws_connecting, the time is that of connections that opened.
      sink.failed(step.handle, failure);
      if (step.endsScenarioOnFailure) vu.failScenario();
    }
    vu.resume();
  }

  private emit(p: PendingEmit): void {
    // The step may have timed out while the connection was opening: nothing to send then.
    if (p.isDone) return;
    const { step, socket } = p;
    const vars = p.vu.vars;
    const channel = step.channel.render(vars);
    const args = step.args.map((a) => a.render(vars));
    const a = step.awaited;
    if (a.kind === 'none') {
      socket.emit(channel, ...args);
      this.end(p, null);
    } else if (a.kind === 'response') {
      // As Artillery: every message on the channel adds its arguments to what was received, until the data fits.
      const want = a.expected === null ? null : a.expected.render(vars);
      p.event = a.channel.render(vars);
      p.listener = (...got: unknown[]) => {
        for (const g of got) p.collected.push(g);
        if (!isAnswerValid(p.collected, want, a.isArgs, a.isConcat)) return;
        let failure: string | null = null;
        if (!a.matches.every((m) => sameValue(readJsonPath(p.collected, m.path), m.value.render(vars)))) failure = 'socketio_match';
        if (failure === null) capture(step, p.collected, vars, this.sink!);
        this.end(p, failure);
      };
      socket.on(p.event, p.listener);
      socket.emit(channel, ...args);
    } else {
      socket.emit(channel, ...args, (...got: unknown[]) => {
        let isOk = isAnswerValid(got, a.expected === null ? null : a.expected.render(vars), a.isArgs, false);
        if (isOk && a.match !== null) isOk = sameValue(readJsonPath(got, a.match.path), a.match.value.render(vars));
        if (isOk) capture(step, got, vars, this.sink!);
        this.end(p, isOk ? null : 'socketio_ack');
      });
    }
  }

  /** Records the outcome once (the first of answer, error and timeout) and resumes the user; a failure ends its scenario. */
  end(p: PendingEmit, failure: string | null): void {
    if (p.isDone) return;
    p.isDone = true;
    this.deadlines!.remove(p);
    if (p.listener !== null) p.socket.off(p.event, p.listener);
    const { step, vu } = p;
    const sink = this.sink!;
    sink.recordLatency(step.handle, this.nowUs() - vu.scheduledUs);
    if (failure === null) sink.ok(step.handle);
    else {
      sink.failed(step.handle, failure);
      vu.failScenario();
    }
    vu.resume();
  }

  closeSession(vu: VirtualUser<SocketioSession | null>): void {
    const session = vu.session;
    if (session === null) return;
    for (const s of session.sockets.values()) s.disconnect();
    session.sockets.clear();
  }

  async close(): Promise<void> {}
}

/**
 * Artillery's socketio capture: each path read from the answer's arguments (a
 * list) into its variable. One that finds nothing unsets its variable, even a
 * value an earlier step gave it, as Artillery's socketio engine writes every
 * capture's value, undefined included.
 */
function capture(step: EmitStep, got: unknown[], vars: VuVars, sink: Sink): void {
  for (const c of step.captures) {
    const v = readJsonPath(got, c.path);
    vars[c.as] = v;
    if (v === undefined && c.missedCounter !== null) sink.add(c.missedCounter);
  }
}

/**
 * Why a connection did not open: `tls` when the certificate was refused (the
 * transport's error rides in the connect error's `description.error`, the
 * websocket transport's ErrorEvent), else `socketio_connect`.
 */
function connectCause(err: unknown): string {
  const cause = (err as { description?: { error?: unknown } } | null)?.description?.error;
  return cause !== undefined && transportReason(cause) === 'tls' ? 'tls' : 'socketio_connect';
}

function sameValue(got: unknown, want: unknown): boolean {
  if (typeof want === 'string' || typeof want === 'number' || typeof want === 'boolean') return String(got) === String(want);
  return JSON.stringify(got) === JSON.stringify(want);
}
