import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setImmediate as turn } from 'node:timers/promises';
import { Scheduler, type VuStarter } from '../../src/engine/scheduler/scheduler.ts';
import type { CompiledPhase } from '../../src/engine/compile/compiled-plan.ts';

// 1 000 arrivals/s: one due every millisecond, at 0, 1, 2, …
const phase: CompiledPhase = {
  index: 0, name: 'p', startMs: 0, kind: 'arrivals', arrivalCount: null, isPoisson: false, maxVusers: Infinity,
  users: 0, spawnRatePerSec: 0, isBurst: false, fromRatePerSec: 1000, toRatePerSec: 1000, durationMs: 100,
};

function recorder(onStart: () => void = () => {}): VuStarter & { started: number[]; depth: number; maxDepth: number } {
  return {
    started: [], depth: 0, maxDepth: 0,
    startVu(_p, _s, scheduledMs) {
      this.started.push(scheduledMs);
      this.maxDepth = Math.max(this.maxDepth, ++this.depth);
      onStart();
      this.depth--;
      return true;
    },
    stopPhase() {}, onPhaseStart() {}, onLateness() {},
  };
}

test('pump starts overdue arrivals between two timer ticks, and only once they are past the slack', async () => {
  let t = 0;
  const r = recorder();
  const s = new Scheduler([phase], { nowMs: () => t }, r);
  const done = s.run();
  assert.deepEqual(r.started, [0]);
  t = 1.9; // arrival 1 is 0.9 ms overdue: within the slack, the armed timer's job
  s.pump();
  assert.deepEqual(r.started, [0]);
  t = 3.5; // arrival 1 is 2.5 ms overdue: the pump starts 1, 2 and 3
  s.pump();
  assert.deepEqual(r.started, [0, 1, 2, 3]);
  // The timer the pump replaced must not fire too: whatever fires next finds nothing due at this time.
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(r.started, [0, 1, 2, 3], 'no arrival started twice');
  s.abort();
  await done;
  t = 50;
  s.pump();
  assert.deepEqual(r.started, [0, 1, 2, 3], 'an aborted schedule starts nothing more');
});

test('a pump from inside a start (a step that completes synchronously) does not nest a second tick', async () => {
  let t = 0;
  let s: Scheduler | null = null;
  const r = recorder(() => s!.pump());
  s = new Scheduler([phase], { nowMs: () => t }, r);
  const done = s.run();
  t = 10;
  s.pump();
  await turn();
  assert.deepEqual(r.started, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 'each due arrival started once, in order');
  assert.equal(r.maxDepth, 1, 'no start ran inside another');
  s.abort();
  await done;
});

test('pump takes a phase change too: the next phase starts from a finished step, not only from the timer', async () => {
  // Phase 1 has one arrival (at 0) and ends at 10 ms; phase 2 starts at 10 ms with an arrival due then.
  const first: CompiledPhase = { ...phase, durationMs: 10, arrivalCount: 1 };
  const second: CompiledPhase = { ...phase, index: 1, name: 'q', startMs: 10, durationMs: 10 };
  let t = 0;
  const r = recorder();
  const s = new Scheduler([first, second], { nowMs: () => t }, r);
  const done = s.run();
  assert.deepEqual(r.started, [0]);
  t = 12.5;
  s.pump();
  assert.deepEqual(r.started, [0, 10, 11, 12], 'phase 2 began at the pump');
  s.abort();
  await done;
});
