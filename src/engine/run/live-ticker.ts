/**
 * Drives reporters' optional `onTick` (metrics/live-status.ts): one tick when
 * the load starts, then one a second until stop(). Run totals are the closed
 * intervals (seen through onSnapshot) plus the sink's open interval (peek),
 * so nothing is counted twice and the sink is never reset by a tick.
 * Nothing runs when no reporter defines onTick.
 */
import type { HdrSink } from '../metrics/hdr-sink.ts';
import type { IntervalSnapshot, Reporter } from '../contracts.ts';
import { isLiveReporter, type LiveStatus } from '../metrics/live-status.ts';
import { VUSERS_ACTIVE, WS_CONNECTIONS } from '../metrics/names.ts';

/** How often a tick is sent. */
export const TICK_MS = 1000;

/** What the ticker reads besides the sink. */
export interface TickSource {
  readonly sink: HdrSink;
  readonly nowMs: () => number;
  readonly phase: () => string | null;
  readonly plannedDurationMs: number;
  /** Reporter faults: a throwing onTick is disabled, as onInterval is. */
  readonly log: (line: string) => void;
}

/** See the module comment. */
export class LiveTicker {
  private readonly live: Array<Reporter & { onTick(s: LiveStatus): void }>;
  private closed = { requests: 0, errors: 0, expected: 0 };
  private lastP95Ms: number | null = null;
  private lastHasConnections = false;
  private prev = { atMs: 0, requests: 0 };
  private timer: NodeJS.Timeout | null = null;

  constructor(reporters: readonly Reporter[], private readonly src: TickSource) {
    this.live = reporters.filter(isLiveReporter);
  }

  /** Sends the first tick and starts the 1-second timer. */
  start(): void {
    if (this.live.length === 0) return;
    this.tick();
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  /** Call with every closed interval, in order. */
  onSnapshot(s: IntervalSnapshot): void {
    const o = s.overall;
    this.closed = { requests: this.closed.requests + o.count, errors: this.closed.errors + o.errors, expected: this.closed.expected + o.expected };
    if (o.count > 0) this.lastP95Ms = o.latencyMs.p95;
    if (s.gauges[WS_CONNECTIONS] !== undefined) this.lastHasConnections = true;
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** The status now (also what each tick sends). */
  status(): LiveStatus {
    const now = this.src.nowMs();
    const open = this.src.sink.peek();
    const requests = this.closed.requests + open.requests;
    const dtS = (now - this.prev.atMs) / 1000;
    const rps = dtS > 0 ? Math.max(0, requests - this.prev.requests) / dtS : 0;
    this.prev = { atMs: now, requests };
    const conns = this.src.sink.gauge(WS_CONNECTIONS);
    return {
      elapsedMs: now, plannedDurationMs: this.src.plannedDurationMs, phase: this.src.phase(),
      users: this.src.sink.gauge(VUSERS_ACTIVE),
      connections: conns > 0 || this.lastHasConnections ? conns : null,
      requests, errors: this.closed.errors + open.errors, expected: this.closed.expected + open.expected,
      rps: Math.round(rps * 10) / 10,
      p95Ms: open.p95Ms ?? this.lastP95Ms,
    };
  }

  private tick(): void {
    const s = this.status();
    for (const r of [...this.live]) {
      try {
        r.onTick(s);
      } catch (e) {
        this.live.splice(this.live.indexOf(r), 1);
        this.src.log(`reporter ${r.id} failed in onTick and was disabled: ${(e as Error)?.message ?? String(e)}`);
      }
    }
  }
}
