/**
 * Time for the scheduler and runner. Monotonic (performance.now), relative
 * to an epoch set at run start, so timestamps are small exact-ish doubles.
 */
import { performance } from 'node:perf_hooks';

/** A monotonic clock; injected so the scheduler can be driven by tests. */
export interface Clock {
  /** Milliseconds since the run's epoch (fractional). */
  nowMs(): number;
}

/** The real monotonic clock, epoch = construction time. */
export class MonotonicClock implements Clock {
  private epoch = performance.now();
  nowMs(): number {
    return performance.now() - this.epoch;
  }
  /** Moves the epoch to now: called just before the first arrival, so engine and reporter start-up is not counted as lateness. */
  restart(): void {
    this.epoch = performance.now();
  }
}
