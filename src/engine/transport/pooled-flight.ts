/**
 * The bookkeeping of one request in flight on a ClientPool, timed out by the
 * run's deadline service (RunContext.deadlines), shared by the engines whose per-VU object is its own
 * undici handler (the http exchange, the tool-rpc session): which dispatch
 * is in flight, the lane carrying it, how to abort it, and giving the lane
 * back when it ends, before the VU sends its next request.
 */
import type { Client } from 'undici';
import type { ClientPool, PooledRequest } from './client-pool.ts';
import type { DeadlineItem, Deadlines } from '../contracts.ts';
import { timeoutError } from './timeout-error.ts';

/** Numbers the dispatches of every flight: a queued entry whose number moved on has ended. */
let lastFlightSeq = 0;

/**
 * See the module comment. Subclasses call beginFlight() before each dispatch, trackFlight() when its
 * clock starts, and endFlight() first when it ends.
 */
export abstract class PooledFlight implements DeadlineItem, PooledRequest {
  flightSeq = 0;
  client: Client | null = null;
  hasWaited = false;
  pool: ClientPool | null = null;
  isExpired = false;
  heapIndex = -1;
  wakeMs = Infinity;
  /** The service the flight's deadline is on, from its first trackFlight(). */
  private deadlines: Deadlines | null = null;
  /** undici's abort for the request on a connection; null while it waits for one. */
  private abortFn: ((err: Error) => void) | null = null;

  abstract onError(err: Error): void;

  /**
   * Starts the clock on one dispatch made at `startUs`: a new flightSeq, and a deadline `timeoutMs`
   * later (0: none). A timeout covers the whole request, from dispatch to the last body byte, time
   * queued for a connection included: "how long a request may take".
   */
  trackFlight(deadlines: Deadlines, timeoutMs: number, startUs: number): void {
    this.flightSeq = ++lastFlightSeq;
    this.deadlines = deadlines;
    this.wakeMs = timeoutMs > 0 ? startUs / 1000 + timeoutMs : Infinity;
    deadlines.update(this);
  }

  /** The deadline service: the request ran out of time. */
  onWake(): void {
    this.expire();
  }

  /** The request ran out of time. */
  expire(): void {
    this.isExpired = true;
    if (this.abortFn !== null) this.abortFn(timeoutError());
    else if (this.client === null) this.onError(timeoutError()); // still waiting for a connection
  }

  /** Ends the request on its connection with `err` (undici destroys the socket mid-response and calls onError). */
  protected abortFlight(err: Error): void {
    if (this.abortFn !== null) this.abortFn(err);
  }

  protected beginFlight(): void {
    this.isExpired = false;
    this.abortFn = null;
  }

  /** From undici's onConnect: keeps the abort, or aborts at once a request that expired before it was sent. Returns whether it goes on. */
  protected connectFlight(abort: (err: Error) => void): boolean {
    if (this.isExpired) {
      abort(timeoutError());
      return false;
    }
    this.abortFn = abort;
    return true;
  }

  /**
   * The request has ended: no deadline applies, and the lane goes back first, so the VU's next
   * request can take it. After an error it comes back once undici's error handling has returned
   * (ClientPool.releaseAfterError).
   */
  protected endFlight(isError: boolean): void {
    this.flightSeq = 0;
    this.deadlines?.remove(this);
    this.abortFn = null;
    const lane = this.client;
    if (lane === null) return;
    this.client = null;
    if (isError) this.pool!.releaseAfterError(lane);
    else this.pool!.release(lane);
  }
}
