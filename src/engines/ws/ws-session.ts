/**
 * One virtual user's WebSocket session: the step it is running, as a small
 * state machine over the connection (ws-connection.ts), which persists
 * across the VU's steps. A step that waits (connect, waitFor, ping, hold)
 * sets `op` and a deadline on the run's deadline service; whichever
 * comes first — the awaited event or the deadline — records the outcome
 * and resumes the VU exactly once. Failures are outcomes, never throws.
 *
 *   NONE ─connect─► CONNECT ─open──────────► NONE   ok, ws_connecting latency
 *                           ─401/timeout/…─► NONE   failed: http_401, timeout, econnrefused, emfile …
 *   NONE ─waitFor─► WAIT  ─match / timeout / close─► NONE
 *
 * A connect, send or waitFor with `onFailure: endScenario` ends the user's
 * scenario when it fails (vu.failScenario before the resume).
 *   NONE ─ping────► PROBE ─pong or reply / timeout / close─► NONE
 *   NONE ─hold────► HOLD  ─end (ok) / close (unexpected_close)─► NONE
 *                         └ keep-alives ride on the same heap entry
 *
 * Messages nobody waits for go to a small inbox (the server's `connected`
 * greeting may arrive before the VU's waitFor runs); a hold drops what
 * arrives during it, so a long hold keeps nothing.
 */
import type { DeadlineItem } from '../../engine/contracts.ts';
import type { ClientOptions } from 'ws';
import { MALFORMED, MATCH, MessageView, NO_MATCH } from './message-view.ts';
import { WsConnection } from './ws-connection.ts';
import type { ConnectStep, HoldStep, Probe, SendStep, WaitStep } from './ws-step.ts';

const OP_NONE = 0;
const OP_CONNECT = 1;
const OP_WAIT = 2;
const OP_PROBE = 3;
const OP_HOLD = 4;
const INBOX_MAX = 32;

/** See the module comment. Fields are all set in the constructor (monomorphic). */
export class WsSession extends WsConnection implements DeadlineItem {
  heapIndex = -1;
  wakeMs = Infinity;
  private op = OP_NONE;
  private wait: WaitStep | null = null;
  private probe: Probe | null = null;
  private hold: HoldStep | null = null;
  private opStartUs = 0;
  private deadlineMs = Infinity;
  private keepAliveAtMs = Infinity;
  private keepAliveDeadlineMs = Infinity;
  private keepAliveSentUs = 0;
  private sentAtUs = 0;
  private inbox: Buffer[] | null = null;
  /** The running connect or waitFor ends the user's scenario if it fails (onFailure: endScenario). */
  private endsScenarioOnFailure = false;
  private readonly view = new MessageView();

  /** `connect`: opens this VU's connection (closing its previous one, as the plan's); `subprotocols` as a connect function left them. */
  connect(step: ConnectStep, url: string, options: ClientOptions, subprotocols: readonly string[] = step.subprotocols): void {
    this.sentAtUs = 0;
    this.inbox = null;
    if (!this.openConnection(url, subprotocols, options)) {
      if (step.endsScenarioOnFailure) this.vu.failScenario();
      return this.vu.resume();
    }
    this.op = OP_CONNECT;
    this.endsScenarioOnFailure = step.endsScenarioOnFailure;
    this.setDeadline(step.timeoutMs);
  }

  /** `send`: ok once handed to the socket. */
  send(step: SendStep): void {
    if (!this.isOpen) {
      this.rt.meters.fail(step.handle, 'not_connected');
      if (step.endsScenarioOnFailure) this.vu.failScenario();
    } else {
      this.sendPayload(step.payload);
      this.rt.meters.sink.ok(step.handle);
      this.sentAtUs = this.rt.nowUs();
    }
    this.vu.resume();
  }

  /** `waitFor`: looks at the inbox first, then waits for a live message. */
  waitFor(step: WaitStep): void {
    this.op = OP_WAIT;
    this.wait = step;
    this.endsScenarioOnFailure = step.endsScenarioOnFailure;
    this.opStartUs = this.sentAtUs > 0 ? this.sentAtUs : this.vu.scheduledUs;
    const inbox = this.inbox;
    while (inbox !== null && inbox.length > 0) if (this.offerToWait(inbox.shift()!)) return;
    if (!this.isOpen) return this.failOp(step.handle, 'not_connected');
    this.setDeadline(step.timeoutMs);
  }

  /** `ping`: a protocol ping frame or an application message, until its reply. */
  ping(probe: Probe): void {
    if (!this.isOpen) return this.failNow(probe.handle, 'not_connected');
    this.op = OP_PROBE;
    this.probe = probe;
    this.opStartUs = this.rt.nowUs();
    this.sendProbe(probe);
    this.setDeadline(probe.timeoutMs);
  }

  /** `hold`: stays open for the step's duration, sending keep-alives if asked. */
  holdFor(step: HoldStep): void {
    if (!this.isOpen) return this.failNow(step.handle, 'not_connected');
    this.inbox = null;
    this.op = OP_HOLD;
    this.hold = step;
    const nowMs = this.rt.nowUs() / 1000;
    this.deadlineMs = nowMs + step.minMs + this.vu.nextRandom() * (step.maxMs - step.minMs);
    if (step.keepAlive !== null) this.keepAliveAtMs = nowMs + nextEveryMs(step, this.vu.nextRandom());
    this.reschedule();
  }

  /** `close`: the plan closes its connection; the step itself cannot fail. */
  closeStep(code: number, reason: string): void {
    this.inbox = null;
    this.closeByPlan(code, reason);
    this.vu.resume();
  }

  /** closeSession: the flow ended (always at a step boundary); an open connection completed. */
  end(): void {
    this.clearOp();
    this.inbox = null;
    this.closeByPlan(1000, '');
  }

  /**
   * The run ended with this session's socket still live. The step it was in
   * (a connect, waitFor or ping awaiting its answer, a hold not yet over, and a
   * keep-alive awaiting its reply) is counted abandoned, not failed: agentload
   * cut it, not the target.
   */
  abandon(): void {
    const sink = this.rt.meters.sink;
    switch (this.op) {
      case OP_CONNECT: sink.abandoned(this.rt.meters.connectHandle); break;
      case OP_WAIT: sink.abandoned(this.wait!.handle); break;
      case OP_PROBE: sink.abandoned(this.probe!.handle); break;
      case OP_HOLD:
        sink.abandoned(this.hold!.handle);
        if (this.keepAliveSentUs > 0) sink.abandoned(this.hold!.keepAlive!.probe.handle);
        break;
    }
    this.clearOp();
    this.abandonConnection();
  }

  onMessage(data: Buffer): void {
    this.rt.meters.received(data.length);
    const op = this.op;
    if (op === OP_WAIT) this.offerToWait(data);
    else if (op === OP_HOLD) {
      const match = this.hold!.keepAlive?.probe.match ?? null;
      if (this.keepAliveSentUs > 0 && match !== null && this.view.match(match, data) === MATCH) this.keepAliveAnswered();
    } else if (op === OP_PROBE && this.probe!.match !== null) {
      const r = this.view.match(this.probe!.match, data);
      if (r === MATCH) this.finishProbe();
      else if (r === MALFORMED) this.failOp(this.probe!.handle, 'malformed_json');
      else this.keep(data);
    } else this.keep(data);
  }

  onPong(): void {
    if (this.op === OP_PROBE && this.probe!.payload === null) this.finishProbe();
    else if (this.op === OP_HOLD && this.keepAliveSentUs > 0 && this.hold!.keepAlive!.probe.payload === null) this.keepAliveAnswered();
  }

  onWake(nowMs: number): void {
    if (this.deadlineMs <= nowMs) {
      this.deadlineMs = Infinity;
      return this.onDeadline();
    }
    if (this.keepAliveDeadlineMs <= nowMs) this.keepAliveTimedOut();
    if (this.keepAliveAtMs <= nowMs) this.sendKeepAlive(nowMs);
    this.reschedule();
  }

  protected afterOpen(): void {
    if (this.op === OP_CONNECT) this.endOp();
  }

  protected afterConnectFailed(cause: string): void {
    if (this.op === OP_CONNECT) this.failOp(this.rt.meters.connectHandle, cause);
  }

  protected afterClose(cause: string): void {
    switch (this.op) {
      case OP_CONNECT: return this.failOp(this.rt.meters.connectHandle, cause);
      case OP_WAIT: return this.failOp(this.wait!.handle, cause);
      case OP_PROBE: return this.failOp(this.probe!.handle, cause);
      case OP_HOLD: return this.failOp(this.hold!.handle, cause);
      default: this.rt.meters.error(cause);
    }
  }

  private onDeadline(): void {
    const sink = this.rt.meters.sink;
    const nowUs = this.rt.nowUs();
    switch (this.op) {
      case OP_CONNECT:
        // No latency: a connection that never opened has no connect time (see WsConnection.onRefused).
        this.cancelConnecting();
        return this.failOp(this.rt.meters.connectHandle, 'timeout');
      case OP_WAIT:
        sink.recordLatency(this.wait!.handle, nowUs - this.opStartUs);
        return this.failOp(this.wait!.handle, 'timeout');
      case OP_PROBE:
        sink.recordLatency(this.probe!.handle, nowUs - this.opStartUs);
        return this.failOp(this.probe!.handle, 'timeout');
      case OP_HOLD:
        sink.ok(this.hold!.handle);
        return this.endOp();
    }
  }

  /** Offers a message to the running waitFor; true when that ended the step. */
  private offerToWait(data: Buffer): boolean {
    const w = this.wait!;
    if (w.match === null) this.view.reset(data);
    else {
      const r = this.view.match(w.match, data);
      if (r === NO_MATCH) return false;
      if (r === MALFORMED) {
        this.failOp(w.handle, 'malformed_json');
        return true;
      }
    }
    const sink = this.rt.meters.sink;
    sink.recordLatency(w.handle, this.rt.nowUs() - this.opStartUs);
    this.sentAtUs = 0;
    const reason = w.checks === null ? null : w.checks.verify(this.view, this.vu.vars);
    if (reason === null) {
      sink.ok(w.handle);
      this.endOp();
    } else this.failOp(w.handle, reason === 'expect_json' && this.view.isMalformed ? 'malformed_json' : reason);
    return true;
  }

  private finishProbe(): void {
    const h = this.probe!.handle;
    this.rt.meters.sink.recordLatency(h, this.rt.nowUs() - this.opStartUs);
    this.rt.meters.sink.ok(h);
    this.endOp();
  }

  private sendKeepAlive(nowMs: number): void {
    const hold = this.hold!;
    const probe = hold.keepAlive!.probe;
    if (this.keepAliveSentUs > 0) this.keepAliveTimedOut();
    this.sendProbe(probe);
    this.keepAliveSentUs = nowMs * 1000;
    this.keepAliveDeadlineMs = nowMs + probe.timeoutMs;
    this.keepAliveAtMs = nowMs + nextEveryMs(hold, this.vu.nextRandom());
  }

  private keepAliveAnswered(): void {
    const h = this.hold!.keepAlive!.probe.handle;
    this.rt.meters.sink.recordLatency(h, this.rt.nowUs() - this.keepAliveSentUs);
    this.rt.meters.sink.ok(h);
    this.keepAliveSentUs = 0;
    this.keepAliveDeadlineMs = Infinity;
    this.reschedule();
  }

  private keepAliveTimedOut(): void {
    const h = this.hold!.keepAlive!.probe.handle;
    this.rt.meters.sink.recordLatency(h, this.rt.nowUs() - this.keepAliveSentUs);
    this.rt.meters.fail(h, 'timeout');
    this.keepAliveSentUs = 0;
    this.keepAliveDeadlineMs = Infinity;
  }

  private keep(data: Buffer): void {
    let q = this.inbox;
    if (q === null) q = this.inbox = [];
    if (q.length >= INBOX_MAX) q.shift();
    q.push(data);
  }

  private setDeadline(timeoutMs: number): void {
    this.deadlineMs = this.rt.nowUs() / 1000 + timeoutMs;
    this.reschedule();
  }

  private reschedule(): void {
    const w = Math.min(this.deadlineMs, this.keepAliveAtMs, this.keepAliveDeadlineMs);
    if (w === this.wakeMs && (this.heapIndex >= 0 || w === Infinity)) return;
    this.wakeMs = w;
    this.rt.heap.update(this);
  }

  private failNow(handle: number, cause: string): void {
    this.rt.meters.fail(handle, cause);
    this.vu.resume();
  }

  private failOp(handle: number, cause: string): void {
    this.rt.meters.fail(handle, cause);
    if (this.endsScenarioOnFailure) this.vu.failScenario();
    this.endOp();
  }

  /** Clears the running step and resumes the VU (exactly once per step). */
  private endOp(): void {
    this.clearOp();
    this.vu.resume();
  }

  private clearOp(): void {
    this.op = OP_NONE;
    this.endsScenarioOnFailure = false;
    this.wait = null;
    this.probe = null;
    this.hold = null;
    this.deadlineMs = Infinity;
    this.keepAliveAtMs = Infinity;
    this.keepAliveDeadlineMs = Infinity;
    this.keepAliveSentUs = 0;
    this.reschedule();
  }
}

/** The next keep-alive's interval; `draw` is from the user's seeded stream. */
function nextEveryMs(step: HoldStep, draw: number): number {
  const ka = step.keepAlive!;
  return ka.everyMinMs + draw * (ka.everyMaxMs - ka.everyMinMs);
}
