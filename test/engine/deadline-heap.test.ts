import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { DeadlineHeap, isPopped, type DeadlineItem } from '../../src/engine/deadline-heap.ts';

class Item implements DeadlineItem {
  heapIndex = -1;
  wakeMs = Infinity;
  firedAtMs = -1;
  constructor(readonly id: number, readonly dueMs: number, private readonly order: number[]) {}
  onWake(nowMs: number): void {
    this.firedAtMs = nowMs;
    this.order.push(this.id);
  }
}

const timeouts = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('1 000 deadlines share one timer and fire in order, never early', async () => {
  const now = () => performance.now();
  const heap = new DeadlineHeap(now);
  const order: number[] = [];
  const before = timeouts();
  const start = now();
  const items = Array.from({ length: 1000 }, (_, i) => new Item(i, start + 20 + Math.random() * 150, order));
  for (const it of items) {
    it.wakeMs = it.dueMs;
    heap.update(it);
  }
  assert.equal(heap.size, 1000);
  assert.equal(timeouts() - before, 1, 'one armed timer for all of them');
  await sleep(250);
  assert.equal(order.length, 1000);
  const expected = [...items].sort((a, b) => a.dueMs - b.dueMs).map((i) => i.id);
  assert.deepEqual(order, expected);
  for (const it of items) assert.ok(it.firedAtMs >= it.dueMs, `item ${it.id} fired ${it.dueMs - it.firedAtMs} ms early`);
  assert.equal(heap.size, 0);
  assert.equal(timeouts() - before, 0, 'nothing left armed once empty');
});

test('moving, removing and clearing items', async () => {
  const heap = new DeadlineHeap(() => performance.now());
  const order: number[] = [];
  const t0 = performance.now();
  const a = new Item(1, 0, order);
  const b = new Item(2, 0, order);
  const c = new Item(3, 0, order);
  a.wakeMs = t0 + 60;
  b.wakeMs = t0 + 80;
  c.wakeMs = t0 + 100;
  for (const it of [a, b, c]) heap.update(it);
  c.wakeMs = t0 + 10;
  heap.update(c);
  b.wakeMs = Infinity;
  heap.update(b);
  assert.equal(b.heapIndex, -1);
  heap.remove(a);
  heap.remove(a);
  assert.equal(heap.size, 1);
  await sleep(120);
  assert.deepEqual(order, [3]);
  a.wakeMs = performance.now() + 10;
  heap.update(a);
  heap.clear();
  await sleep(40);
  assert.deepEqual(order, [3], 'cleared items never fire');
  assert.equal(a.heapIndex, -1);
});

test('an item woken can reschedule itself from onWake', async () => {
  const heap = new DeadlineHeap(() => performance.now());
  let wakes = 0;
  const item: DeadlineItem = {
    heapIndex: -1,
    wakeMs: performance.now() + 5,
    onWake(nowMs) {
      if (++wakes < 3) {
        this.wakeMs = nowMs + 5;
        heap.update(this);
      }
    },
  };
  heap.update(item);
  await sleep(80);
  assert.equal(wakes, 3);
  assert.equal(heap.size, 0);
});

test('every item due is popped before any is woken; one cancelled by an earlier wake is not woken', async () => {
  const heap = new DeadlineHeap(() => performance.now());
  const seen: string[] = [];
  const t = performance.now() + 5;
  const b: DeadlineItem = { heapIndex: -1, wakeMs: t + 0.002, onWake: () => seen.push('b') };
  const c: DeadlineItem = { heapIndex: -1, wakeMs: t + 0.003, onWake: () => seen.push('c') };
  const a: DeadlineItem = {
    heapIndex: -1,
    wakeMs: t + 0.001,
    onWake() {
      // Like an expiry that frees a connection: the other due items are already out of the heap and say so.
      seen.push(`a saw b popped=${isPopped(b)} c popped=${isPopped(c)}`);
      heap.remove(c);
    },
  };
  for (const it of [c, b, a]) heap.update(it);
  await sleep(40);
  assert.deepEqual(seen, ['a saw b popped=true c popped=true', 'b']);
  assert.equal(heap.size, 0);
  assert.equal(isPopped(b), false, 'woken: wakeMs is Infinity again');
});
