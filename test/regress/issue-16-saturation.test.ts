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
import type { Reporter } from '../../src/engine/contracts.ts';

function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) { /* holding the event loop is the point */ }
}

test('closed model: a 150 ms event-loop block mid-run is flagged, with its cause', async (t) => {
  const srv = await startHttpServer(okJson, { record: false });
  t.after(() => srv.close());
  // The block runs from a reporter at the third interval (run clock 3 s), so it always lands inside the
  // run: a timer on the test's clock landed before the run started when the machine was slow to start it.
  let hasBlocked = false;
  const blocker: Reporter = {
    id: 'blocker',
    onInterval(snap) {
      if (hasBlocked || snap.endMs < 2500) return; // the snapshot near 3 s (it may end a little before)
      hasBlocked = true;
      busyWait(150);
    },
  };
  const r = await runInline({ target: srv.url, phases: [{ users: 8, duration: 5 }], expect: { generator: 'healthy' } },
    // A random think keeps the users out of step: four users thinking exactly 20 ms move in lockstep, and a
    // block that lands while all of them wait on a response delays responses, not think timers (flaked in CI).
    [{ name: 's', flow: [{ get: { url: '/', name: 'get' } }, { think: { min: '10ms', max: '30ms' } }] }], [blocker]);
  assert.ok(hasBlocked, 'the block ran');
  assert.equal(r.saturation.isSaturated, true, JSON.stringify(r.saturation));
  assert.ok(r.saturation.maxStepLateMs! >= 100, `worst step ${r.saturation.maxStepLateMs} ms late`);
  assert.ok(r.saturation.reasons!.some((x) => /steps after a think started .* up to \d+ ms \(think timers fired late/.test(x)), r.saturation.message!);
  // The onset is the first flagged interval: the block's (it starts near 3 s on the run clock) or an earlier one,
  // when a busy machine already made think timers late before it.
  assert.ok(r.saturation.saturatedFromMs !== undefined && r.saturation.saturatedFromMs < 3500, `onset ${r.saturation.saturatedFromMs}`);
  assert.doesNotMatch(r.saturation.message!, /cold/, 'the lateness sat mid-run, not at the start');
  assert.equal(r.expectations.find((e) => e.name === 'generator: healthy')!.isPass, false);
});
