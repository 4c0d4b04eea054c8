import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ArrivalCursor, expectedArrivals, timeOfArrivalMs } from '../../src/engine/scheduler/arrival-schedule.ts';

function drain(c: ArrivalCursor): number[] {
  const times: number[] = [];
  for (let t = c.peekMs(); t !== Infinity; t = c.peekMs()) {
    times.push(t);
    c.advance();
  }
  return times;
}

test('200 arrivals/s for 5 s gives exactly 1000 evenly spaced arrivals', () => {
  const times = drain(new ArrivalCursor({ fromRatePerSec: 200, toRatePerSec: 200, durationMs: 5000 }, false, null));
  assert.equal(times.length, 1000);
  assert.equal(times[0], 0);
  for (let i = 1; i < times.length; i++) assert.ok(Math.abs(times[i]! - times[i - 1]! - 5) < 1e-9);
});

test('a ramp from 10 to 100/s is linear: per-second counts grow by ~9/s', () => {
  const spec = { fromRatePerSec: 10, toRatePerSec: 100, durationMs: 10_000 };
  const times = drain(new ArrivalCursor(spec, false, null));
  assert.equal(times.length, Math.ceil(expectedArrivals(spec)));
  const perSecond = new Array(10).fill(0);
  for (const t of times) perSecond[Math.floor(t / 1000)]++;
  // Expected arrivals in second s: 10 + 9·(s + 0.5)
  perSecond.forEach((n, s) => assert.ok(Math.abs(n - (10 + 9 * (s + 0.5))) <= 1, `second ${s}: ${n}`));
});

test('the inverse formula matches the worked example in the module comment', () => {
  const t = timeOfArrivalMs({ fromRatePerSec: 10, toRatePerSec: 100, durationMs: 10_000 }, 275);
  assert.ok(Math.abs(t - 6785) < 1, String(t));
});

test('arrivalCount spreads exactly that many arrivals over the phase', () => {
  const times = drain(new ArrivalCursor({ fromRatePerSec: 0, toRatePerSec: 0, durationMs: 1000 }, false, 7));
  assert.equal(times.length, 7);
  assert.ok(times[6]! < 1000);
});

test('poisson arrivals average the asked rate (seeded)', () => {
  let seed = 42;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const times = drain(new ArrivalCursor({ fromRatePerSec: 500, toRatePerSec: 500, durationMs: 20_000 }, true, null, random));
  assert.ok(Math.abs(times.length - 10_000) < 300, String(times.length));
  const gaps = times.slice(1).map((t, i) => t - times[i]!);
  const unequal = new Set(gaps.map((g) => g.toFixed(3))).size;
  assert.ok(unequal > 100, 'gaps vary (not evenly spaced)');
});

test('a zero rate yields no arrivals', () => {
  assert.equal(drain(new ArrivalCursor({ fromRatePerSec: 0, toRatePerSec: 0, durationMs: 1000 }, false, null)).length, 0);
});
