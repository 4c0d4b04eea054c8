/**
 * Issue 16 item 6: virtual users finish their scenario. A user thinking
 * when the last phase ends carries on within the grace period; one still
 * running when the grace ends, or stopped by an interrupt, is counted
 * `vusers_incomplete`, never `vusers_completed`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { okJson, startHttpServer } from '../helpers/servers.ts';
import { runInline } from '../helpers/run-inline.ts';

const flow = [{ name: 's', flow: [{ get: { url: '/first', name: 'first' } }, { think: 3 }, { get: { url: '/second', name: 'second' } }] }];

for (const phase of [{ users: 1, duration: 1 }, { arrivalCount: 1, duration: 1 }]) {
  test(`${'users' in phase ? 'closed' : 'open'} model: a user thinking at the last phase's end finishes its scenario`, async (t) => {
    const srv = await startHttpServer(okJson);
    t.after(() => srv.close());
    const r = await runInline({ target: srv.url, grace: '10s', phases: [phase] }, flow);
    assert.deepEqual(srv.requests.map((q) => q.url), ['/first', '/second']);
    assert.equal(r.summary.counters.vusers_completed, 1);
    assert.equal(r.summary.counters.vusers_incomplete ?? 0, 0);
  });
}

test('a grace shorter than the think: the user is incomplete, not completed', async (t) => {
  const srv = await startHttpServer(okJson);
  t.after(() => srv.close());
  const r = await runInline({ target: srv.url, grace: '500ms', phases: [{ users: 1, duration: 1 }] }, flow);
  assert.deepEqual(srv.requests.map((q) => q.url), ['/first']);
  assert.equal(r.summary.counters.vusers_incomplete, 1);
  assert.equal(r.summary.counters.vusers_completed ?? 0, 0);
});

test('an interrupt stops a thinking user at once, and it is incomplete', async (t) => {
  const srv = await startHttpServer(okJson);
  t.after(() => srv.close());
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), 500);
  t.after(() => clearTimeout(timer));
  const r = await runInline({ target: srv.url, grace: '10s', phases: [{ users: 1, duration: 5 }] }, flow, [], ac.signal);
  assert.equal(r.isAborted, true);
  assert.deepEqual(srv.requests.map((q) => q.url), ['/first']);
  assert.equal(r.summary.counters.vusers_incomplete, 1);
  assert.equal(r.summary.counters.vusers_completed ?? 0, 0);
});
