/**
 * The run's one deadline service: every per-request timeout, wait and hold of
 * every engine on one timer. A timer per request (undici's headersTimeout,
 * setTimeout per emit, AbortSignal.timeout) costs an allocation and a timer
 * list insert per request, and random durations defeat Node's grouping of
 * timers by duration; 10 000 WebSocket holds with keep-alives were 10 000+
 * live timers.
 *
 * The items are the engines' own per-VU objects (an intrusive binary
 * min-heap keyed by `wakeMs`): scheduling allocates nothing, and inserting,
 * moving or removing an item is an O(log n) sift. One setTimeout is armed for
 * the earliest item; it is re-armed only when something earlier arrives, and
 * a removal leaves it be (firing early is harmless), so a steady stream of
 * later deadlines costs no timer calls at all.
 *
 *          [s7 @ 1000]              index i → children 2i+1, 2i+2
 *         /           \
 *   [s2 @ 1400]   [s9 @ 1050]       the timer is armed for 1000 ms;
 *     /     \                       when it fires, every item due is
 *   …        …                      popped, then each is woken
 *
 * Every item due is popped before any is woken: waking one can end a request
 * whose connection then goes to another request that is due too, which
 * isPopped() tells must not be sent.
 */

import type { DeadlineItem, Deadlines } from './contracts/deadlines.ts';

export type { DeadlineItem, Deadlines } from './contracts/deadlines.ts';

/** Out of the heap with its deadline still set: due, popped, about to be woken. */
export function isPopped(item: DeadlineItem): boolean {
  return item.heapIndex < 0 && item.wakeMs !== Infinity;
}

/** See the module comment. Single-threaded; one per run. */
export class DeadlineHeap implements Deadlines {
  private readonly items: DeadlineItem[] = [];
  private readonly due: DeadlineItem[] = [];
  private timer: NodeJS.Timeout | null = null;
  private armedAtMs = Infinity;
  private isFiring = false;
  private readonly fireBound = (): void => this.wakeDue();

  constructor(readonly nowMs: () => number) {}

  /** Items scheduled right now (for tests and diagnostics). */
  get size(): number {
    return this.items.length;
  }

  update(item: DeadlineItem): void {
    if (item.wakeMs === Infinity) {
      this.take(item);
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

  remove(item: DeadlineItem): void {
    item.wakeMs = Infinity;
    this.take(item);
  }

  /** Forgets every item and stops the timer (end of run). */
  clear(): void {
    for (const it of this.items) {
      it.heapIndex = -1;
      it.wakeMs = Infinity;
    }
    this.items.length = 0;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.armedAtMs = Infinity;
  }

  /** Takes `item` out of the heap, leaving its wakeMs. */
  private take(item: DeadlineItem): void {
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

  /** Wakes every item due at nowMs(). The timer calls it; a test on an injected clock may too. */
  wakeDue(): void {
    this.timer = null;
    this.armedAtMs = Infinity;
    this.isFiring = true;
    const due = this.due;
    try {
      const now = this.nowMs();
      // Items woken here may reschedule at `now` (a zero-length hold); the next round serves them, and each such wake advances a flow, so it ends.
      for (;;) {
        for (let top = this.items[0]; top !== undefined && top.wakeMs <= now; top = this.items[0]) {
          this.take(top);
          due.push(top);
        }
        if (due.length === 0) break;
        for (let i = 0; i < due.length; i++) {
          const item = due[i]!;
          // Woken once: an item moved or removed by an earlier wake of this round is no longer due.
          if (!isPopped(item) || item.wakeMs > now) continue;
          item.wakeMs = Infinity;
          item.onWake(now);
        }
        due.length = 0;
      }
    } finally {
      due.length = 0;
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
