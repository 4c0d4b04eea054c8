/**
 * The socket half of a ws session: opening, the connection's accounting
 * (opened / completed / unexpected / abandoned, the ws_connections gauge),
 * sending, and turning socket events into three hooks the step half
 * (WsSession) implements. A socket is detached (owner = null) the moment
 * the plan is done with it, so its late events are never heard.
 */
import type { ClientOptions } from 'ws';
import type { Deadlines, VirtualUser } from '../../engine/contracts.ts';
import { openSocket, type SessionSocket, type SocketOwner, type SocketRegistry } from './session-socket.ts';
import { wsErrorCause } from './ws-error-cause.ts';
import type { WsMeters } from './ws-meters.ts';
import { renderPayload, type Payload, type Probe } from './ws-step.ts';

/** What sessions share: the engine's meters, heap, clock and socket registry. */
export interface WsRuntime extends SocketRegistry {
  readonly meters: WsMeters;
  readonly heap: Deadlines;
  nowUs(): number;
  /** A connect failed with EMFILE (the runtime prints its one line once). */
  onEmfile(vu: VirtualUser): void;
}

const TEXT_FRAME = Object.freeze({ binary: false });

/** See the module comment. */
export abstract class WsConnection implements SocketOwner {
  protected socket: SessionSocket | null = null;
  protected isOpen = false;
  private errorCause: string | null = null;

  constructor(protected readonly vu: VirtualUser, protected readonly rt: WsRuntime) {}

  /** The upgrade completed (ws_connecting ok and latency are recorded). */
  protected abstract afterOpen(): void;
  /** The connection attempt failed with `cause` (already closed and detached). */
  protected abstract afterConnectFailed(cause: string): void;
  /** An open connection was lost, or a connecting one failed, with `cause`. */
  protected abstract afterClose(cause: string, wasOpen: boolean): void;
  abstract onMessage(data: Buffer): void;
  abstract onPong(): void;
  abstract abandon(): void;

  /** Starts a connection; false when the URL is unusable (recorded as `bad_url`). Closes the previous one first. */
  protected openConnection(url: string, subprotocols: readonly string[], options: ClientOptions): boolean {
    if (this.socket !== null) this.closeByPlan(1000, '');
    this.errorCause = null;
    try {
      this.socket = openSocket(url, subprotocols, options, this, this.rt);
      return true;
    } catch {
      this.rt.meters.fail(this.rt.meters.connectHandle, 'bad_url');
      return false;
    }
  }

  /** The plan closes its connection (close step, end of flow): it lasted as long as asked. */
  closeByPlan(code: number, reason: string): void {
    const s = this.detach();
    if (s === null) return;
    if (this.isOpen) {
      this.isOpen = false;
      this.rt.meters.completed();
      s.close(code, reason);
    } else s.terminate();
  }

  /** The run ended with the connection live: count it as abandoned; the engine terminates the socket. */
  protected abandonConnection(): void {
    if (this.detach() !== null && this.isOpen) this.rt.meters.abandoned();
    this.isOpen = false;
  }

  /** The connect deadline passed: give up on the handshake. */
  protected cancelConnecting(): void {
    this.detach()?.terminate();
  }

  protected sendPayload(payload: Payload): void {
    const data = renderPayload(payload, this.vu.vars);
    this.socket!.send(data, TEXT_FRAME);
    this.rt.meters.sent(typeof data === 'string' ? Buffer.byteLength(data) : data.length);
  }

  protected sendProbe(probe: Probe): void {
    if (probe.payload === null) this.socket!.ping();
    else this.sendPayload(probe.payload);
  }

  onOpen(): void {
    this.isOpen = true;
    this.rt.meters.opened(this.rt.nowUs() - this.vu.scheduledUs);
    this.afterOpen();
  }

  onError(err: Error): void {
    if (this.errorCause !== null) return;
    this.errorCause = wsErrorCause(err);
    if (this.errorCause === 'emfile') this.rt.onEmfile(this.vu);
  }

  onRefused(status: number): void {
    this.detach()?.terminate();
    // No latency: ws_connecting is the time to an open connection, and this one never opened. Recording
    // the refusal's (short) time let a run whose every upgrade was refused PASS `ws.connect.p95`.
    this.afterConnectFailed(`http_${status}`);
  }

  onClose(): void {
    if (this.detach() === null) return;
    const wasOpen = this.isOpen;
    this.isOpen = false;
    if (wasOpen) this.rt.meters.unexpectedClose();
    this.afterClose(this.errorCause ?? (wasOpen ? 'unexpected_close' : 'handshake_failed'), wasOpen);
  }

  private detach(): SessionSocket | null {
    const s = this.socket;
    if (s === null) return null;
    this.socket = null;
    s.owner = null;
    return s;
  }
}
