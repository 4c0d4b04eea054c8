/**
 * The ws engine's view of the metrics sink: connection accounting (the
 * ws_connections gauge and the opened / completed / abandoned / unexpected
 * counters that stability is derived from), message and byte counters, and
 * failures by cause. One per engine instance; every call is a plain method
 * on a monomorphic object, and cause keys are built once per cause.
 *
 * Every connection attempt ends in exactly one bucket:
 *
 *   attempt ──┬── failed       never opened: refused upgrade, reset, timeout, TCP error
 *             │                (not the generator's own emfile / eaddrnotavail / bad_url)
 *             └── opened ──┬── completed    the plan closed it (close step or end of flow)
 *                          ├── unexpected   the server or the network closed it first
 *                          └── abandoned    still open when the run ended (cut by agentload)
 *
 * stability = completed / (opened + failed − abandoned)
 */
import type { Recorder } from '../../engine/contracts.ts';
import {
  WS_BYTES_RECEIVED, WS_BYTES_SENT, WS_CONNECTING, WS_CONNECTIONS, WS_CONNECTIONS_ABANDONED,
  WS_CONNECTIONS_COMPLETED, WS_CONNECTIONS_FAILED, WS_CONNECTIONS_OPENED, WS_ERRORS, WS_MESSAGES_RECEIVED, WS_MESSAGES_SENT,
  WS_UNEXPECTED_CLOSES,
} from '../../engine/metrics/names.ts';

/**
 * Connect failures that are the generator's own (its open-file limit, its local ports, a URL the plan
 * rendered badly): counted in ws_errors:<cause> but not as failed connections of the target.
 */
const GENERATOR_SIDE: ReadonlySet<string> = new Set(['emfile', 'eaddrnotavail', 'bad_url']);

/** See the module comment. */
export class WsMeters {
  /** The connect histogram and outcomes (`ws_connecting`). */
  readonly connectHandle: number;
  private readonly causeKeys = new Map<string, string>();

  constructor(readonly sink: Recorder) {
    this.connectHandle = sink.handle(WS_CONNECTING);
  }

  /** A successful upgrade after `latencyUs`. */
  opened(latencyUs: number): void {
    const s = this.sink;
    s.recordLatency(this.connectHandle, latencyUs);
    s.ok(this.connectHandle);
    s.add(WS_CONNECTIONS_OPENED);
    s.gaugeAdd(WS_CONNECTIONS, 1);
  }

  /** The plan closed an open connection: it lasted as long as asked. */
  completed(): void {
    this.sink.add(WS_CONNECTIONS_COMPLETED);
    this.sink.gaugeAdd(WS_CONNECTIONS, -1);
  }

  /** An open connection was closed by the peer or the network (its cause is counted by fail() or error()). */
  unexpectedClose(): void {
    this.sink.add(WS_UNEXPECTED_CLOSES);
    this.sink.gaugeAdd(WS_CONNECTIONS, -1);
  }

  /** An open connection cut because the run ended. */
  abandoned(): void {
    this.sink.add(WS_CONNECTIONS_ABANDONED);
    this.sink.gaugeAdd(WS_CONNECTIONS, -1);
  }

  /** A failed step (or connect) under `handle`, also counted as `ws_errors:<cause>`; a failed connect also as ws_connections_failed. */
  fail(handle: number, cause: string): void {
    this.sink.failed(handle, cause);
    this.sink.add(this.causeKey(cause));
    if (handle === this.connectHandle && !GENERATOR_SIDE.has(cause)) this.sink.add(WS_CONNECTIONS_FAILED);
  }

  /** A fault outside any step (the connection dropped between steps): `ws_errors:<cause>` only. */
  error(cause: string): void {
    this.sink.add(this.causeKey(cause));
  }

  /** One text message of `bytes` sent. */
  sent(bytes: number): void {
    this.sink.add(WS_MESSAGES_SENT);
    this.sink.add(WS_BYTES_SENT, bytes);
  }

  /** One message of `bytes` received. */
  received(bytes: number): void {
    this.sink.add(WS_MESSAGES_RECEIVED);
    this.sink.add(WS_BYTES_RECEIVED, bytes);
  }

  private causeKey(cause: string): string {
    let k = this.causeKeys.get(cause);
    if (k === undefined) {
      k = `${WS_ERRORS}:${cause}`;
      this.causeKeys.set(cause, k);
    }
    return k;
  }
}
