/**
 * Request timeouts for the HTTP transports without a timer per request.
 *
 * undici's headersTimeout / bodyTimeout arm a timer object per request, and a
 * cleared one stays in undici's timer list until its next sweep (up to a
 * second), so at 20 000 requests/s every one of them lived long enough to be
 * promoted to the old generation. Here each dispatch joins a FIFO per timeout
 * value instead: within one FIFO, dispatch order is deadline order, so one
 * interval timer only ever looks at the heads. An entry whose request has
 * ended (its item's flightSeq moved on) is skipped, so a FIFO holds the
 * dispatches made since its oldest request still in flight.
 *
 * A timeout covers the whole request, from dispatch to the last body byte,
 * time queued for a connection included: "how long a request may take".
 */

import { SeqFifo } from './seq-fifo.ts';

/** What the FIFO holds: an engine's per-VU dispatch handler (http's exchange, tool-rpc's session). */
export interface Deadlined {
  /** The dispatch in flight (a number track() returned), or 0 once it has ended. */
  flightSeq: number;
  /**
   * Set on every dispatch a sweep found due before any of them is expired: ending one can hand its
   * connection to another that is due too, which must then not be sent (the ClientPool checks it).
   */
  isExpired: boolean;
  /** The dispatch ran out of time: end it as a timeout. */
  expire(): void;
}

/** How often the heads are checked: a twentieth of the shortest timeout, within these bounds. */
const MIN_SWEEP_MS = 5;
const MAX_SWEEP_MS = 100;
/** Dispatches with one timeout value, in dispatch order (which is deadline order); the extra is the deadline, µs. */
type Fifo = SeqFifo<Deadlined, number>;

/** Moves the heads of `fifo` whose deadline has passed into `due` (with their seqs); drops the heads that ended. */
function collect(fifo: Fifo, nowUs: number, due: Deadlined[], dueSeqs: number[]): void {
  let h = fifo.head;
  while (h < fifo.items.length) {
    const item = fifo.items[h]!;
    if (item.flightSeq === fifo.seqs[h]) {
      if (fifo.extras[h]! > nowUs) break;
      due.push(item);
      dueSeqs.push(fifo.seqs[h]!);
    }
    h++;
  }
  fifo.head = h;
  fifo.trim();
}

/** See the module comment. */
export class RequestDeadlines {
  private readonly fifos = new Map<number, Fifo>();
  private timer: NodeJS.Timeout | null = null;
  private sweepMs = MAX_SWEEP_MS + 1;
  private lastSeq = 0;
  private readonly due: Deadlined[] = [];
  private readonly dueSeqs: number[] = [];
  private readonly sweepBound = (): void => this.sweep();

  constructor(private readonly nowUs: () => number) {}

  /** Starts the clock on one dispatch of `item` made at `startUs`; store the result in item.flightSeq. A timeout of 0 never expires. */
  track(item: Deadlined, timeoutMs: number, startUs: number): number {
    const seq = ++this.lastSeq;
    if (timeoutMs <= 0) return seq;
    let fifo = this.fifos.get(timeoutMs);
    if (fifo === undefined) {
      fifo = new SeqFifo<Deadlined, number>();
      this.fifos.set(timeoutMs, fifo);
      this.armFor(timeoutMs);
    }
    fifo.push(item, seq, startUs + timeoutMs * 1000);
    return seq;
  }

  /** Expires every dispatch whose deadline has passed: all are marked first, then ended (see Deadlined.isExpired). */
  sweep(): void {
    const now = this.nowUs();
    const due = this.due;
    const seqs = this.dueSeqs;
    for (const fifo of this.fifos.values()) collect(fifo, now, due, seqs);
    if (due.length === 0) return;
    for (const item of due) item.isExpired = true;
    // An expiry can end a request whose VU sends its next one on the same object at once: the seq tells.
    for (let i = 0; i < due.length; i++) if (due[i]!.flightSeq === seqs[i]) due[i]!.expire();
    due.length = 0;
    seqs.length = 0;
  }

  /** Stops the timer; nothing expires after this. */
  close(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.fifos.clear();
  }

  private armFor(timeoutMs: number): void {
    const every = Math.max(MIN_SWEEP_MS, Math.min(MAX_SWEEP_MS, Math.floor(timeoutMs / 20)));
    if (every >= this.sweepMs) return;
    this.sweepMs = every;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = setInterval(this.sweepBound, every);
    this.timer.unref();
  }
}
