/**
 * `transport: ws`: one persistent WebSocket per virtual user, opened on the
 * VU's first ws call and reused for the rest of its flow (as an agent keeps
 * its gateway socket). JSON-RPC requests go out as text frames; answers are
 * matched by id. A message that answers nothing in flight — a server
 * notification (no id) or a late answer to a timed-out call — is ignored,
 * and counted as rpc_foreign_ids when it carries an id.
 *
 * A close or error while a call is in flight fails that call (econnreset or
 * the socket error's reason); the next call reconnects. The per-call timeout
 * is a deadline on the run's deadline service, as over HTTP.
 */
import type { WebSocket } from 'ws';
import { wsLoaded } from '../../engine/transport/network-libraries.ts';
import { RPC_FOREIGN_IDS } from '../../engine/metrics/names.ts';
import type { DeadlineItem, Deadlines, Recorder } from '../../engine/contracts.ts';
import { boundedLookup } from '../../engine/transport/bounded-lookup.ts';
import { transportReason } from '../../engine/metrics/transport-reason.ts';

/** What the connection calls back on its session. */
export interface WsSessionHooks {
  isWsAnswer(doc: unknown): boolean;
  onWsAnswer(doc: unknown, text: string): void;
  onTransportFailure(reason: string): void;
  /** The run ended with a request in flight: abandoned, not failed. */
  onAbandoned(): void;
  /** The cap on one message (config.http.maxBodyBytes): a bigger one closes the socket as body_too_large. */
  readonly maxBodyBytes: number;
}

/** See the module comment. One per session; single request in flight. */
export class RpcWsConnection implements DeadlineItem {
  heapIndex = -1;
  wakeMs = Infinity;
  private socket: WebSocket | null = null;
  private isOpen = false;
  private pending: Buffer | null = null;
  private timeoutMs = 0;

  constructor(
    private readonly url: string,
    private readonly headers: Record<string, string>,
    private readonly session: WsSessionHooks,
    private readonly sink: Recorder,
    private readonly deadlines: Deadlines,
    /** `{rejectUnauthorized: false}` under config.http.tls / --insecure, as for wss:// in the ws engine; else null. */
    private readonly tls: { rejectUnauthorized: false } | null = null,
  ) {}

  /** The call in flight ran out of time. */
  onWake(): void {
    this.session.onTransportFailure('timeout');
  }

  /** Sends one request frame, connecting first when the socket is not open. */
  send(body: Buffer, timeoutMs: number): void {
    this.timeoutMs = timeoutMs;
    if (timeoutMs > 0) {
      this.wakeMs = this.deadlines.nowMs() + timeoutMs;
      this.deadlines.update(this);
    }
    if (this.isOpen) {
      this.socket!.send(body, { binary: false });
      return;
    }
    this.pending = body;
    if (this.socket === null) this.connect();
  }

  /** Closes the socket (VU finished). */
  close(): void {
    this.clearTimer();
    const s = this.socket;
    this.socket = null;
    this.isOpen = false;
    this.pending = null;
    if (s !== null) s.terminate();
  }

  /** The run ended (engine close): closes the socket, and a request still in flight is abandoned. */
  abandon(): void {
    this.close();
    this.session.onAbandoned();
  }

  private connect(): void {
    const socket = new (wsLoaded().WebSocket)(this.url, { headers: this.headers, handshakeTimeout: this.timeoutMs, perMessageDeflate: false, lookup: boundedLookup, maxPayload: this.session.maxBodyBytes, ...this.tls });
    this.socket = socket;
    socket.on('open', () => {
      if (this.socket !== socket) return;
      this.isOpen = true;
      const body = this.pending;
      this.pending = null;
      if (body !== null) socket.send(body, { binary: false });
    });
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (this.socket !== socket) return;
      const text = isBinary ? '' : data.toString('utf8');
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch {
        doc = undefined;
      }
      if (this.session.isWsAnswer(doc)) {
        // Before settling: settling resumes the VU, whose next call may set a new deadline at once.
        this.clearTimer();
        this.session.onWsAnswer(doc, text);
        return;
      }
      if (doc !== null && typeof doc === 'object' && (Array.isArray(doc) || 'id' in doc)) this.sink.add(RPC_FOREIGN_IDS);
    });
    socket.on('error', (err) => this.drop(socket, transportReason(err)));
    socket.on('close', () => this.drop(socket, 'econnreset'));
  }

  private drop(socket: WebSocket, reason: string): void {
    if (this.socket !== socket) return;
    this.socket = null;
    this.isOpen = false;
    this.pending = null;
    this.clearTimer();
    this.session.onTransportFailure(reason);
  }

  private clearTimer(): void {
    this.deadlines.remove(this);
  }
}
