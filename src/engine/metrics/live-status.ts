/**
 * The once-a-second view of a running test for live displays (the console
 * progress line, the dashboard). A reporter that wants it defines
 * `onTick(status)` next to the Reporter hooks; live-ticker.ts calls it once
 * at the start and then every second, never concurrently with the other
 * hooks, and it must not block. Kept out of contracts.ts while that file is
 * being reshaped (issue 17); it is a plain optional hook, found by duck typing.
 *
 * With --workers the numbers move when the workers flush (every interval);
 * elapsed time and phase still move every second.
 */

/** The run so far, at one tick. */
export interface LiveStatus {
  /** Since the first arrival was scheduled. */
  readonly elapsedMs: number;
  readonly plannedDurationMs: number;
  /** The phase the timeline is in, or null after the last (grace). */
  readonly phase: string | null;
  /** vusers_active now. */
  readonly users: number;
  /** ws_connections now, or null when no engine reports connections. */
  readonly connections: number | null;
  /** Whole run so far (every closed interval plus the open one). */
  readonly requests: number;
  readonly errors: number;
  readonly expected: number;
  /** Requests per second over the last tick. */
  readonly rps: number;
  /** p95 of the open interval, or of the last closed one when the open one has no sample yet; null before any. */
  readonly p95Ms: number | null;
}

/** A reporter with the live hook. */
export interface LiveReporter {
  onTick(status: LiveStatus): void;
}

/** True when `r` defines onTick. */
export function isLiveReporter(r: object): r is LiveReporter {
  return typeof (r as Partial<LiveReporter>).onTick === 'function';
}
