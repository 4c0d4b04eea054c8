/**
 * Part of the plugin contract (contracts.ts re-exports it): the run's one
 * deadline service (src/engine/deadline-heap.ts), which engines reach through
 * RunContext.deadlines for every per-request timeout, wait and hold.
 * Types only; imports nothing.
 */

/** Something with a deadline: an engine's per-VU object. Fields other than `wakeMs` are the service's. */
export interface DeadlineItem {
  /** Position in the service's heap, or -1 when not in it. Initialise to -1; only the service writes it. */
  heapIndex: number;
  /** When it is due, in run milliseconds (Deadlines.nowMs); Infinity means none. Set it, then call update(). */
  wakeMs: number;
  /** Called once when due, after it left the heap and wakeMs went back to Infinity; it may schedule itself again. */
  onWake(nowMs: number): void;
}

/** One per run, shared by every engine: one timer for the earliest deadline, O(log n) to insert, move or cancel. */
export interface Deadlines {
  /** The clock deadlines are on: run milliseconds (RunContext.nowUs / 1000). */
  nowMs(): number;
  /** Puts `item` at its current `wakeMs`: inserts or moves it, or (Infinity) cancels it. */
  update(item: DeadlineItem): void;
  /** Cancels `item` (wakeMs becomes Infinity) if it is scheduled. */
  remove(item: DeadlineItem): void;
}
