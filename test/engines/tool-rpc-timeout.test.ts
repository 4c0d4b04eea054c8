import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServerResponse } from 'node:http';
import { startHttpServer } from '../helpers/servers.ts';
import { runInline } from '../helpers/run-inline.ts';

type Result = Awaited<ReturnType<typeof runInline>>;
const byName = (r: Result, name: string) => {
  const s = r.summary.byName.find((n) => n.name === name);
  assert.ok(s, `no summary for ${name}: ${r.summary.byName.map((n) => n.name).join(', ')}`);
  return s;
};

const answer = (res: ServerResponse, id: unknown): void => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', id, result: { ok: true } }));
};

// undici's own timeouts run on a coarse ~500 ms tick: a 200 ms one ended after about 950 ms. The checks below
// compare against a control in the same run (a far longer deadline, or the answer that freed the connection)
// instead of a wall-clock bound, so a busy machine cannot fail them.

test('a call to a server that never answers fails as timeout at its own timeout, not at undici\'s next tick', async (t) => {
  const srv = await startHttpServer(() => { /* never answers */ });
  t.after(() => srv.close());
  const r = await runInline({ target: srv.url, grace: '5s', phases: [{ arrivalCount: 4, duration: 0.1 }] },
    [{ name: 's', engine: 'tool-rpc', flow: [{ call: { method: 'x', timeout: '200ms' } }, { call: { method: 'control', timeout: '1s' } }] }]);
  const x = byName(r, 'x');
  const control = byName(r, 'control');
  assert.deepEqual(x.outcomes, { ok: 0, failed: { timeout: 4 }, expected: {} });
  assert.deepEqual(control.outcomes, { ok: 0, failed: { timeout: 4 }, expected: {} });
  assert.ok(x.latencyMs.min >= 190, JSON.stringify(x.latencyMs));
  assert.ok(x.latencyMs.max < control.latencyMs.min, `200 ms deadline ended at ${x.latencyMs.max} ms, the 1 s one at ${control.latencyMs.min} ms`);
});

test('a call waiting for the one connection times out there, and the connection is kept', async (t) => {
  let holds = 0;
  const srv = await startHttpServer((_req, res, body) => {
    const m = JSON.parse(body);
    // The first user's hold keeps the connection for 3 s; the second user's quick call waits behind it.
    if (m.method === 'hold' && holds++ === 0) setTimeout(() => answer(res, m.id), 3000);
    else answer(res, m.id);
  });
  t.after(() => srv.close());
  // Users arrive at 0 and 500 ms: the second one's quick call waits from 500 ms and times out at 800 ms, while the
  // first one's hold is out until 3 s. The margins are wide so that a loaded machine, which delays the first user's
  // calls or the timeout's timer, still sees the same order (a 100 ms arrival gap and an 800 ms hold were flaky).
  const r = await runInline({ target: srv.url, grace: '15s', http: { connections: 1 }, phases: [{ arrivalCount: 2, duration: 1 }] }, [{
    name: 's', engine: 'tool-rpc', flow: [
      { call: { method: 'quick', timeout: '300ms' } },
      { call: { method: 'hold', timeout: '10s' } },
    ],
  }]);
  const quick = byName(r, 'quick');
  assert.deepEqual(quick.outcomes, { ok: 1, failed: { timeout: 1 }, expected: {} });
  const hold = byName(r, 'hold');
  assert.ok(quick.latencyMs.max < hold.latencyMs.max, `the waiting call ended at ${quick.latencyMs.max} ms, after the hold that freed the connection (${hold.latencyMs.max} ms)`);
  assert.equal(byName(r, 'hold').ok, 2);
  assert.deepEqual(srv.requests.map((q) => JSON.parse(q.body).method), ['quick', 'hold', 'hold'], 'the timed-out call was never sent');
  assert.equal(srv.connections.accepted, 1, 'the connection was not torn down for the call that waited');
});

test('retry on: [timeout] re-sends after each timed-out attempt, each with its own deadline, and the last attempt succeeds', async (t) => {
  const attempts = new Map<string, number>();
  const srv = await startHttpServer((_req, res, body) => {
    const m = JSON.parse(body);
    const n = (attempts.get(m.params.who) ?? 0) + 1;
    attempts.set(m.params.who, n);
    if (n >= 3) answer(res, m.id); // the first two attempts never get an answer
  });
  t.after(() => srv.close());
  const r = await runInline({ target: srv.url, phases: [{ arrivalCount: 2, duration: 0.1 }] }, [{
    name: 's', engine: 'tool-rpc',
    flow: [{ call: { method: 'm', params: { who: '{{vu}}' }, timeout: '200ms', retry: { attempts: 3, backoff: 'constant', base: '10ms', on: ['timeout'] } } }],
  }]);
  const m = byName(r, 'm');
  assert.deepEqual(m.outcomes, { ok: 2, failed: {}, expected: {} });
  assert.equal(r.summary.counters.rpc_retries, 4, '2 calls × 2 retries');
  assert.equal(r.summary.counters.rpc_retries_exhausted ?? 0, 0);
  assert.deepEqual([...attempts.values()], [3, 3]);
  // Two timeouts of 200 ms and two 10 ms waits before the answer: what the caller saw.
  assert.ok(m.latencyMs.min >= 400, JSON.stringify(m.latencyMs));
});
