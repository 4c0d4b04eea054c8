/**
 * One timer for every WebSocket deadline of a run: connect and waitFor
 * timeouts, hold ends, keep-alive sends. 10 000 connections holding for five
 * minutes with a keep-alive every 5–15 s would otherwise be 10 000+ live
 * setTimeouts with distinct durations (Node groups timers by duration, so
 * random durations defeat its lists).
 *
 * The items are the sessions themselves (an intrusive binary min-heap keyed
 * by `wakeMs`): scheduling allocates nothing, and moving a session's wake
 * time is an O(log n) sift. One setTimeout is armed for the earliest item;
 * it is re-armed only when something earlier arrives, so a steady stream of
 * later deadlines costs no timer calls at all.
 *
 *          [s7 @ 1000]              index i → children 2i+1, 2i+2
 *         /           \
 *   [s2 @ 1400]   [s9 @ 1050]       the timer is armed for 1000 ms;
 *     /     \                       when it fires, every item due is
 *   …        …                      popped and woken, then it re-arms
 */

/** Something the heap can wake. Fields are owned by the heap except `wakeMs`, which update() reads. */
export interface HeapItem {
  /** Position in the heap, or -1 when not in it. Initialise to -1; only the heap writes it. */
  heapIndex: number;
  /** When to wake, in run milliseconds; Infinity means "not scheduled". */
  wakeMs: number;
  /** Called once the item is due and already removed from the heap; it may reschedule itself. */
  onWake(nowMs: number): void;
}

/** See the module comment. Single-threaded; not re-entrant across runs (one per engine instance). */
export class DeadlineHeap {
  private readonly items: HeapItem[] = [];
  private timer: NodeJS.Timeout | null = null;
  private armedAtMs = Infinity;
  private isFiring = false;
  private readonly fireBound = (): void => this.fire();

  constructor(private readonly nowMs: () => number) {}

  /** Items scheduled right now (for tests and diagnostics). */
  get size(): number {
    return this.items.length;
  }

  /** Puts `item` at its current `wakeMs`, inserting, moving or removing (Infinity) it. */
  update(item: HeapItem): void {
    if (item.wakeMs === Infinity) {
      this.remove(item);
      return;
    }
    const i = item.heapIndex;
    if (i < 0) {
      item.heapIndex = this.items.length;
      this.items.push(item);
      this.up(item.heapIndex);
    } else {
      this.up(i);
      this.down(item.heapIndex);
    }
    if (item.heapIndex === 0) this.arm();
  }

  /** Takes `item` out of the heap if it is in it. The armed timer stays; firing early is harmless. */
  remove(item: HeapItem): void {
    const i = item.heapIndex;
    if (i < 0) return;
    item.heapIndex = -1;
    const last = this.items.pop()!;
    if (last === item) return;
    this.items[i] = last;
    last.heapIndex = i;
    this.up(i);
    this.down(last.heapIndex);
  }

  /** Forgets every item and stops the timer (end of run). */
  clear(): void {
    for (const it of this.items) it.heapIndex = -1;
    this.items.length = 0;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.armedAtMs = Infinity;
  }

  private arm(): void {
    const top = this.items[0];
    if (top === undefined || this.isFiring) return;
    if (this.timer !== null && this.armedAtMs <= top.wakeMs) return;
    if (this.timer !== null) clearTimeout(this.timer);
    const now = this.nowMs();
    const delayMs = Math.max(1, Math.ceil(top.wakeMs - now));
    this.armedAtMs = now + delayMs;
    this.timer = setTimeout(this.fireBound, delayMs);
  }

  private fire(): void {
    this.timer = null;
    this.armedAtMs = Infinity;
    this.isFiring = true;
    try {
      const now = this.nowMs();
      // Items woken here may reschedule at `now` (a zero-length hold); they are
      // served in the same pass, and each such wake advances a flow, so it ends.
      for (let top = this.items[0]; top !== undefined && top.wakeMs <= now; top = this.items[0]) {
        this.remove(top);
        top.wakeMs = Infinity;
        top.onWake(now);
      }
    } finally {
      this.isFiring = false;
      this.arm();
    }
  }

  private up(i: number): void {
    const items = this.items;
    const item = items[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = items[p]!;
      if (parent.wakeMs <= item.wakeMs) break;
      items[i] = parent;
      parent.heapIndex = i;
      i = p;
    }
    items[i] = item;
    item.heapIndex = i;
  }

  private down(i: number): void {
    const items = this.items;
    const n = items.length;
    const item = items[i]!;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && items[r]!.wakeMs < items[l]!.wakeMs ? r : l;
      const child = items[c]!;
      if (child.wakeMs >= item.wakeMs) break;
      items[i] = child;
      child.heapIndex = i;
      i = c;
    }
    items[i] = item;
    item.heapIndex = i;
  }
}
