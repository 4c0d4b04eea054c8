/**
 * The http engine's connections to one origin: up to `connections` undici
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
import { Client } from 'undici';
import type { DispatchOpts } from './http-step.ts';

/** A request the pool carries: the http engine's exchange. */
export interface PooledRequest {
  /** The dispatch in flight (see RequestDeadlines), 0 once it has ended. */
  readonly flightSeq: number;
  /** Due to time out in the current deadline sweep: not to be sent. */
  readonly isExpired: boolean;
  /** The client carrying the request, set by the pool; null while it waits. */
  client: Client | null;
  /** The pool that carries it, set by dispatch(); release() the client here when the request ends. */
  pool: ClientPool | null;
  onError(err: Error): void;
}

/** A waiting request's entry was consumed this far before the arrays are cut. */
const COMPACT_AT = 4096;

/** See the module comment. */
export class ClientPool {
  private readonly clients: Client[] = [];
  private readonly lanes: Client[] = [];
  private waiting: PooledRequest[] = [];
  private waitingSeqs: number[] = [];
  private waitingOpts: DispatchOpts[] = [];
  private head = 0;
  private isClosed = false;

  constructor(
    private readonly origin: string,
    private readonly connections: number,
    private readonly pipelining: number,
    private readonly keepAliveTimeout: number,
  ) {}

  /** Sends `opts` on a free lane, or queues it until release() frees one. */
  dispatch(opts: DispatchOpts, req: PooledRequest): void {
    req.pool = this;
    const lane = this.lanes.pop() ?? this.open();
    if (lane === null) {
      this.waiting.push(req);
      this.waitingSeqs.push(req.flightSeq);
      this.waitingOpts.push(opts);
      return;
    }
    req.client = lane;
    lane.dispatch(opts as never, req as never);
  }

  /** A request on `lane` has ended: the lane takes the oldest live waiting request, or goes back to the free ones. */
  release(lane: Client): void {
    if (this.isClosed) return;
    while (this.head < this.waiting.length) {
      const i = this.head++;
      const req = this.waiting[i]!;
      if (req.flightSeq !== this.waitingSeqs[i] || req.isExpired) continue; // it timed out while waiting
      const opts = this.waitingOpts[i]!;
      this.compact();
      req.client = lane;
      lane.dispatch(opts as never, req as never);
      return;
    }
    this.compact();
    this.lanes.push(lane);
  }

  /** How many requests wait for a lane (some may have expired). */
  waitingCount(): number {
    return this.waiting.length - this.head;
  }

  /** Fails the waiting requests and destroys every connection; requests on them end with undici's error. */
  async destroy(): Promise<void> {
    this.isClosed = true;
    const err = Object.assign(new Error('the run ended before a connection was free'), { code: 'UND_ERR_DESTROYED' });
    const waiting = this.waiting;
    const seqs = this.waitingSeqs;
    for (let i = this.head; i < waiting.length; i++) if (waiting[i]!.flightSeq === seqs[i]) waiting[i]!.onError(err);
    this.waiting = [];
    this.head = 0;
    await Promise.all(this.clients.map((c) => c.destroy().catch(() => {})));
  }

  /** A new connection's lanes, one of them for the caller, or null at the connection limit. */
  private open(): Client | null {
    if (this.clients.length >= this.connections || this.isClosed) return null;
    const c = new Client(this.origin, { pipelining: this.pipelining, keepAliveTimeout: this.keepAliveTimeout });
    this.clients.push(c);
    for (let i = 1; i < this.pipelining; i++) this.lanes.push(c);
    return c;
  }

  private compact(): void {
    const h = this.head;
    if (h < COMPACT_AT || h * 2 < this.waiting.length) {
      if (h === this.waiting.length && h > 0) this.clearWaiting();
      return;
    }
    this.waiting = this.waiting.slice(h);
    this.waitingSeqs = this.waitingSeqs.slice(h);
    this.waitingOpts = this.waitingOpts.slice(h);
    this.head = 0;
  }

  private clearWaiting(): void {
    this.waiting.length = 0;
    this.waitingSeqs.length = 0;
    this.waitingOpts.length = 0;
    this.head = 0;
  }
}
