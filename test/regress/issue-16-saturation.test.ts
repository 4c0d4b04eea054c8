/**
 * Issue 16 item 11: a closed-model run is judged for saturation too. A
 * deliberate 150 ms block of the event loop in the middle of the run (the
 * generator's own loop: the test runs in its process) makes the users' think
 * timers fire late; the verdict names that cause, and does not call it a
 * cold start, since it did not sit at the run's start. No time bounds on the
 * machine's speed: a busy machine may flag earlier intervals too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { okJson, startHttpServer } from '../helpers/servers.ts';
import { runInline } from '../helpers/run-inline.ts';

function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) { /* holding the event loop is the point */ }
}

test('closed model: a 150 ms event-loop block mid-run is flagged, with its cause', async (t) => {
  const srv = await startHttpServer(okJson, { record: false });
  t.after(() => srv.close());
  const block = setTimeout(() => busyWait(150), 3300);
  t.after(() => clearTimeout(block));
  const r = await runInline({ target: srv.url, phases: [{ users: 8, duration: 5 }], expect: { generator: 'healthy' } },
    // A random think keeps the users out of step: four users thinking exactly 20 ms move in lockstep, and a
    // block that lands while all four wait on a response delays responses, not think timers (flaked in CI).
    [{ name: 's', flow: [{ get: { url: '/', name: 'get' } }, { think: { min: '10ms', max: '30ms' } }] }]);
  assert.equal(r.saturation.isSaturated, true, JSON.stringify(r.saturation));
  assert.ok(r.saturation.maxStepLateMs! >= 100, `worst step ${r.saturation.maxStepLateMs} ms late`);
  assert.ok(r.saturation.reasons!.some((x) => /steps after a think started .* up to \d+ ms \(think timers fired late/.test(x)), r.saturation.message!);
  // The onset is the first flagged interval: the block's (it fires at 3.3 s on the test's clock, a little
  // later than the run's) or an earlier one, when a busy machine already made think timers late before it.
  assert.ok(r.saturation.saturatedFromMs !== undefined && r.saturation.saturatedFromMs <= 3000, `onset ${r.saturation.saturatedFromMs}`);
  assert.doesNotMatch(r.saturation.message!, /cold/, 'the lateness sat mid-run, not at the start');
  assert.equal(r.expectations.find((e) => e.name === 'generator: healthy')!.isPass, false);
});
