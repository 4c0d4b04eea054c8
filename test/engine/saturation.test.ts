/**
 * The saturation verdict and `expect.generator`, against a server that runs
 * in the test's own process: when its handler busy-waits, the generator's
 * event loop (the same one) really falls behind its schedule.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHttpServer, type TestServer } from '../helpers/servers.ts';
import { runInline } from '../helpers/run-inline.ts';
import { compileSeries } from '../../src/engine/expect/compile-series.ts';
import { PlanError } from '../../src/engine/errors.ts';

function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) { /* holding the event loop is the point */ }
}

async function server(t: { after(fn: () => Promise<void>): void }, blockMs: number): Promise<TestServer> {
  const s = await startHttpServer((_q, res) => {
    if (blockMs > 0) busyWait(blockMs);
    res.end('ok');
  }, { record: false });
  t.after(() => s.close());
  return s;
}

const flow = [{ name: 'get', engine: 'http', flow: [{ get: { url: '/', name: 'get' } }] }];

test('open model behind its schedule: saturated, late arrivals counted, expect.generator FAILs', async (t) => {
  const s = await server(t, 25); // 60 arrivals/s × 25 ms = 1.5 s of blocking per second
  const r = await runInline({
    target: s.url, phases: [{ arrivalRate: 60, duration: 2 }],
    expect: { generator: 'healthy', p99: '10s' },
  }, flow);
  assert.equal(r.saturation.isSaturated, true);
  assert.ok(r.saturation.arrivals! >= 100, `arrivals ${r.saturation.arrivals}`);
  assert.ok(r.saturation.lateArrivals > r.saturation.arrivals! / 2, `late ${r.saturation.lateArrivals} of ${r.saturation.arrivals}`);
  assert.ok(r.saturation.schedulingDelayP99Us > 10_000);
  assert.match(r.saturation.message!, /^generator saturated from 00:0[01]: .*arrivals started over 10 ms late/);
  // Behind from the first interval to the last: load, not a cold start, so no cold-start hint (issue 16, item 11).
  assert.doesNotMatch(r.saturation.message!, /cold/, 'the lateness did not sit at the start only');
  assert.equal(r.saturation.saturatedFromMs, r.intervals.find((i) => (i.counters.arrivals_late ?? 0) > 0)!.startMs);
  const gen = r.expectations.find((e) => e.name === 'generator: healthy')!;
  assert.equal(gen.isPass, false);
  assert.equal(gen.measured, 'saturated');
  assert.equal(r.expectations.find((e) => e.name === 'p99')!.isPass, true, 'the latency threshold alone would have passed');
});

test('expect.generator limits: each figure is compared with its own limit', async (t) => {
  const s = await server(t, 25);
  const r = await runInline({
    target: s.url, phases: [{ arrivalRate: 60, duration: 2 }],
    expect: { generator: { maxLateRate: '100%', maxSchedulingDelayP99: '1ms', maxEventLoopLag: '60s' } },
  }, flow);
  const by = new Map(r.expectations.map((e) => [e.name, e]));
  assert.equal(by.get('generator: late arrivals')!.isPass, true);
  assert.match(by.get('generator: late arrivals')!.measured, new RegExp(`of ${r.saturation.arrivals}\\)$`));
  assert.equal(by.get('generator: scheduling delay p99')!.isPass, false);
  assert.equal(by.get('generator: event-loop lag')!.isPass, true);
});

test('expect.generator: healthy follows the verdict, and the warm-up arrivals are not judged', async (t) => {
  const s = await server(t, 0);
  const r = await runInline({
    target: s.url, warmup: 1, phases: [{ name: 'warm', arrivalRate: 50, duration: 1 }, { arrivalRate: 100, duration: 2 }],
    expect: { generator: 'healthy' },
  }, flow);
  assert.equal(r.saturation.arrivals, 200, 'the warm-up arrivals are not judged');
  // Whether this machine kept up is not for a test to say (it is shared); the verdict must match the measurement.
  assert.equal(r.expectations[0]!.isPass, !r.saturation.isSaturated, r.saturation.message ?? '');
  assert.equal(r.saturation.message === null, !r.saturation.isSaturated);
});

test('closed model on a busy core: no "late arrivals" (spawns are not arrivals), but a loop busy all the time is saturation', async (t) => {
  const s = await server(t, 15); // the in-process server burns the generator's own core
  const r = await runInline({ target: s.url, phases: [{ users: 5, spawnRate: 1000, duration: 3 }] }, flow);
  assert.ok(r.summary.overall.count > 10);
  assert.equal(r.saturation.arrivals, 0);
  assert.equal(r.saturation.lateArrivals, 0);
  assert.ok(!r.saturation.reasons!.some((x) => /late/.test(x)), r.saturation.message ?? '');
  assert.equal(r.saturation.isSaturated, true);
  // Other signs (an event-loop stall) may come first, and earlier, on a machine busy beyond this test.
  assert.match(r.saturation.message!, /^generator saturated from 00:0[0-2]: .*event loop busy \d+% of the time \(no CPU headroom\) in \d+ of \d+ intervals/);
  assert.ok(r.summary.gaugePeaks.event_loop_busy_pct! >= 95);
  assert.ok(r.summary.gaugePeaks.generator_cpu_pct! > 0);
});

test('expect.generator: a bad value is a plan error at its path', () => {
  const facts = { requestNames: ['get'], phaseNames: ['p'], hasBurstPhase: false, intervalMs: 1000 };
  const at = (): undefined => undefined;
  assert.throws(() => compileSeries({ generator: 'fine' }, at, facts), (e: unknown) => e instanceof PlanError && /expected "healthy"/.test(e.message));
  assert.throws(() => compileSeries({ generator: { maxLag: '5ms' } }, at, facts), (e: unknown) => e instanceof PlanError && /unknown key "maxLag"/.test(e.message));
  assert.equal(compileSeries({ generator: { maxSchedulingDelayP99: '5ms' } }, at, facts).generator!.maxSchedulingDelayP99Ms, 5);
});
