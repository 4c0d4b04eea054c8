import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Scheduler, type VuStarter } from '../../src/engine/scheduler/scheduler.ts';
import type { CompiledPhase } from '../../src/engine/compile/compiled-plan.ts';

const phase: CompiledPhase = {
  index: 0, name: 'p', startMs: 0, kind: 'arrivals', arrivalCount: null, isPoisson: false, maxVusers: Infinity,
  users: 0, spawnRatePerSec: 0, isBurst: false, fromRatePerSec: 100_000, toRatePerSec: 100_000, durationMs: 100,
};

function recorder(): VuStarter & { started: number; lateness: number[] } {
  return {
    started: 0, lateness: [],
    startVu() { this.started++; return true; },
    stopPhase() {}, onPhaseStart() {},
    onLateness(lateMs) { this.lateness.push(lateMs); },
  };
}

test('a backlog that fits the time budget starts in one tick, not a fixed count per loop turn', () => {
  // The generator wakes 50 ms late at 100 000/s: 5 000 arrivals are due at once.
  const r = recorder();
  const s = new Scheduler([phase], { nowMs: () => 50 }, r);
  void s.run();
  s.abort(); // this clock never moves on
  assert.equal(r.started, 5001, 'every due arrival started before the tick returned');
  assert.equal(r.lateness[0], 50);
  assert.equal(r.lateness.at(-1), 0);
});

test('a tick that uses up its time budget yields, and the rest start on the next turn', async () => {
  // A clock that moves 1 ms per look: the budget (20 ms) runs out after a few hundred starts.
  let t = 50;
  const r = recorder();
  const done = new Scheduler([phase], { nowMs: () => (t += 1) }, r).run();
  const inFirstTick = r.started;
  assert.ok(inFirstTick > 64 && inFirstTick < 5001, `started ${inFirstTick} before yielding`);
  await done;
  assert.equal(r.started, 10_000, 'the whole phase still starts');
});
