/**
 * Issue 16 item 1: the request after a `think` is never sent before its
 * scheduled start (the think's planned end), and its latency is counted from
 * that start. A timer that fires early once sent it up to ~1 ms before, so a
 * 10 ms answer could be reported as 9 ms, and the README's health check as
 * 0.00 ms. Lower bounds only: they hold on any machine.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHttpServer } from '../helpers/servers.ts';
import { runInline } from '../helpers/run-inline.ts';

const ANSWER_MS = 10;

/** Answers no sooner than ANSWER_MS after the request arrived: a timer alone may fire early, so the rest is waited out. */
function answerLate(res: { end(body: string): void }): void {
  const dueMs = performance.now() + ANSWER_MS;
  const check = (): void => {
    const leftMs = dueMs - performance.now();
    if (leftMs > 1) setTimeout(check, leftMs - 1);
    else if (leftMs > 0) setImmediate(check);
    else res.end('ok');
  };
  setTimeout(check, ANSWER_MS - 1);
}

for (const think of [0.1, 1, { min: '5ms', max: '40ms' }]) {
  test(`think ${JSON.stringify(think)}: every latency of both requests is at least the server's ${ANSWER_MS} ms`, async (t) => {
    const srv = await startHttpServer((_q, res) => answerLate(res), { record: false });
    t.after(() => srv.close());
    const isShort = typeof think === 'object';
    const r = await runInline({
      target: srv.url,
      // The pause lets every user finish its flow inside the plan, so only latency is on trial here.
      phases: isShort ? [{ users: 8, duration: 2 }] : [{ arrivalCount: 8, duration: 0.5 }, { pause: 2 }],
    }, [{ name: 's', flow: [{ get: { url: '/a', name: 'before' } }, { think }, { get: { url: '/b', name: 'after' } }] }]);
    for (const name of ['before', 'after']) {
      const s = r.summary.byName.find((n) => n.name === name)!;
      assert.ok(s.count >= 8, `${name}: ${s.count} requests`);
      for (const k of ['min', 'p50', 'p90', 'p99', 'max'] as const) {
        assert.ok(s.latencyMs[k] >= ANSWER_MS, `${name} ${k} ${s.latencyMs[k]} ms < ${ANSWER_MS} ms`);
      }
    }
  });
}
