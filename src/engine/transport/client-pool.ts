/**
 * An engine's connections to one origin: up to `connections` undici
 * Clients, each lent out `pipelining` times at once ("lanes"), and a FIFO of
 * the requests that wait for a lane.
 *
 * undici's Pool does this job with a linear scan of its clients per dispatch
 * (twice when the chosen one turns busy), a 'drain' event per response and an
 * entry object per waiting request. It also owns its queue, so a request that
 * times out while waiting there can only be aborted once a connection takes
 * it, which tears that connection down. Here a waiting request that expires
 * is skipped and failed without touching a connection.
 */
import type { Client, Dispatcher } from 'undici';
import { undiciLoaded } from './network-libraries.ts';
import { SeqFifo } from './seq-fifo.ts';
import { runEndedError } from './run-ended-error.ts';
import { boundedLookup } from './bounded-lookup.ts';
import { isPopped } from '../deadline-heap.ts';
import type { DeadlineItem } from '../contracts.ts';

/** undici's connector options: a host name that does not resolve fails as `dns` within seconds (bounded-lookup.ts). */
const CONNECT_OPTS = Object.freeze({ lookup: boundedLookup });

/**
 * What the pool passes to undici's Client.dispatch. The engines' own option
 * objects fit it; per-request undici timeouts stay 0 (the run's deadline service times requests out).
 */
export interface PoolDispatchOpts {
  path: string;
  method: Dispatcher.HttpMethod;
  headers: string[];
  body: Buffer | string | null;
  headersTimeout: number;
  bodyTimeout: number;
}

/** A request the pool carries: an engine's per-VU dispatch handler (undici's raw handler protocol). */
export interface PooledRequest extends Dispatcher.DispatchHandler, DeadlineItem {
  /** The dispatch in flight (a number per dispatch, see PooledFlight), 0 once it has ended. */
  readonly flightSeq: number;
  /** Timed out: not to be sent. (One due in the deadline service's current round is isPopped(), not yet this.) */
  readonly isExpired: boolean;
  /** The client carrying the request, set by the pool; null while it waits. */
  client: Client | null;
  /** Set by the pool: the request queued for a lane (false when one was free at dispatch). */
  hasWaited: boolean;
  /** The pool that carries it, set by dispatch(); release() the client here when the request ends. */
  pool: ClientPool | null;
  onError(err: Error): void;
}

/** See the module comment. */
export class ClientPool {
  private readonly clients: Client[] = [];
  private readonly lanes: Client[] = [];
  /** Requests waiting for a lane, with the options to send. */
  private readonly waiting = new SeqFifo<PooledRequest, PoolDispatchOpts>();
  private isClosed = false;
  /** Lanes whose request failed, handed back once undici's error handling has returned (see releaseAfterError). */
  private readonly failedLanes: Client[] = [];
  private readonly releaseFailedBound = (): void => {
    const lanes = this.failedLanes.splice(0);
    for (const lane of lanes) this.release(lane);
  };

  constructor(
    private readonly origin: string,
    private readonly connections: number,
    private readonly pipelining: number,
    private readonly keepAliveTimeout: number,
    /** Extra TLS connect options (`rejectUnauthorized: false` from config.http.tls or --insecure), or null. */
    tls: Record<string, unknown> | null = null,
  ) {
    this.connect = tls === null ? CONNECT_OPTS : Object.freeze({ ...tls, lookup: boundedLookup });
  }

  private readonly connect: Record<string, unknown>;

  /** Sends `opts` on a free lane, or queues it until release() frees one. */
  dispatch(opts: PoolDispatchOpts, req: PooledRequest): void {
    req.pool = this;
    const lane = this.lanes.pop() ?? this.open();
    req.hasWaited = lane === null;
    if (lane === null) return this.waiting.push(req, req.flightSeq, opts);
    req.client = lane;
    lane.dispatch(opts, req);
  }

  /** A request on `lane` has ended: the lane takes the oldest live waiting request, or goes back to the free ones. */
  release(lane: Client): void {
    if (this.isClosed) return;
    const w = this.waiting;
    while (w.head < w.items.length) {
      const i = w.head++;
      const req = w.items[i]!;
      if (req.flightSeq !== w.seqs[i] || req.isExpired || isPopped(req)) continue; // it timed out while waiting
      const opts = w.extras[i]!;
      w.trim();
      req.client = lane;
      lane.dispatch(opts, req);
      return;
    }
    w.trim();
    this.lanes.push(lane);
  }

  /**
   * release() for a request that ended in onError. undici fails a client's queued requests in one loop
   * (a refused connect fails them all) and asserts the queue is empty afterwards; a lane released inside
   * that loop would carry the next request onto the same client, and the assertion threw from a socket
   * event. The lane comes back in a microtask, after undici's loop.
   */
  releaseAfterError(lane: Client): void {
    if (this.failedLanes.push(lane) === 1) queueMicrotask(this.releaseFailedBound);
  }

  /**
   * The run is over: ends the waiting requests and destroys every connection. Both the waiting ones
   * and those on a connection end with runEndedError(), so the engines count them abandoned, not failed.
   */
  async destroy(): Promise<void> {
    this.isClosed = true;
    const err = runEndedError();
    const w = this.waiting;
    for (let i = w.head; i < w.items.length; i++) if (w.items[i]!.flightSeq === w.seqs[i]) w.items[i]!.onError(err);
    w.clear();
    await Promise.all(this.clients.map((c) => c.destroy(err).catch(() => {})));
  }

  /** A new connection's lanes, one of them for the caller, or null at the connection limit. */
  private open(): Client | null {
    if (this.clients.length >= this.connections || this.isClosed) return null;
    const c = new (undiciLoaded().Client)(this.origin, { pipelining: this.pipelining, keepAliveTimeout: this.keepAliveTimeout, connect: this.connect });
    this.clients.push(c);
    for (let i = 1; i < this.pipelining; i++) this.lanes.push(c);
    return c;
  }
}
