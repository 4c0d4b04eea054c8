import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHttpServer } from '../helpers/servers.ts';
import { runInline } from '../helpers/run-inline.ts';
import { startSim } from '../../src/sim/start-sim.ts';

const reply = (res: any, id: unknown, ok: boolean) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(ok ? { jsonrpc: '2.0', id, result: { success: true } } : { jsonrpc: '2.0', id, error: { code: -32005, message: 'quota exceeded' } }));
};

test('the sim enforces quotas consistently: per-identifier ok and quota_exceeded counts, zero inconsistencies', async (t) => {
  const sim = await startSim({ port: 0, seedCompat: true, quotas: { daily: 3 } });
  t.after(() => sim.close());
  const r = await runInline({ target: sim.url, phases: [{ arrivalCount: 4, duration: 0.1 }] }, [{
    name: 's', engine: 'tool-rpc',
    flow: [
      { loop: [{ call: { method: 'tools.execute', params: { tool_id: 'echo', identifier: 'agent-{{vu}}' } } }], count: 5 },
      // Status queries succeed whatever the quota: `accountBy: false` keeps them out of the accounting.
      { call: { method: 'tools.get_rate_limit_status', params: { identifier: 'agent-{{vu}}' }, accountBy: false, expect: { json: [{ path: 'result.quota.daily.remaining', equals: 0 }] } } },
    ],
  }]);
  assert.equal(r.summary.byName.find((n) => n.name === 'tools.get_rate_limit_status')!.ok, 4);
  const c = r.summary.counters;
  assert.deepEqual(r.summary.byName.find((n) => n.name === 'tools.execute (echo)')!.outcomes.expected, { quota_exceeded: 8 });
  assert.equal(c.quota_ok, 12);
  assert.equal(c.quota_exceeded, 8);
  assert.equal(c.quota_inconsistencies, 0);
  for (let vu = 1; vu <= 4; vu++) {
    assert.equal(c[`quota_ok:agent-${vu}`], 3);
    assert.equal(c[`quota_exceeded:agent-${vu}`], 2);
  }
});

test('a deliberately inconsistent server: a success after quota_exceeded for the same identifier is counted', async (t) => {
  // Per identifier: ok, ok, refused, ok (the false negative), refused.
  const seen = new Map<string, number>();
  const srv = await startHttpServer((_req, res, body) => {
    const m = JSON.parse(body);
    const who = m.params.identifier ?? m.params.agent;
    const n = (seen.get(who) ?? 0) + 1;
    seen.set(who, n);
    reply(res, m.id, n !== 3 && n !== 5);
  });
  t.after(() => srv.close());
  const r = await runInline({ target: srv.url, phases: [{ arrivalCount: 2, duration: 0.1 }] }, [{
    name: 's', engine: 'tool-rpc',
    flow: [
      { loop: [{ call: { method: 'tools.execute', params: { tool_id: 'echo', identifier: 'id-{{vu}}' } } }], count: 5 },
      { loop: [{ call: { method: 'other', params: { agent: 'acct-{{vu}}' }, accountBy: 'acct-{{vu}}' } }], count: 5 },
    ],
  }]);
  const c = r.summary.counters;
  assert.equal(c.quota_inconsistencies, 4, '2 users × 2 flows × 1 false negative');
  assert.equal(c['quota_inconsistencies:id-1'], 1);
  assert.equal(c['quota_inconsistencies:acct-2'], 1);
  assert.equal(c.quota_ok, 12);
  assert.equal(c.quota_exceeded, 8);
});

test('a success sent before the refusal arrived is not an inconsistency, even when it is answered after it', async (t) => {
  let n = 0;
  const srv = await startHttpServer((_req, res, body) => {
    const m = JSON.parse(body);
    // The first request is slow and succeeds; the second is refused at once.
    if (++n === 1) setTimeout(() => reply(res, m.id, true), 300);
    else reply(res, m.id, false);
  });
  t.after(() => srv.close());
  const r = await runInline({ target: srv.url, phases: [{ arrivalCount: 2, duration: 0.1 }] }, [{
    name: 's', engine: 'tool-rpc', flow: [{ call: { method: 'tools.execute', params: { tool_id: 'echo', identifier: 'shared' } } }],
  }]);
  assert.equal(r.summary.counters['quota_ok:shared'], 1);
  assert.equal(r.summary.counters['quota_exceeded:shared'], 1);
  assert.equal(r.summary.counters.quota_inconsistencies, 0);
});

test('config.quotaWindow: a success after the window has passed is a new period, not an inconsistency', async (t) => {
  let n = 0;
  const srv = await startHttpServer((_req, res, body) => reply(res, JSON.parse(body).id, ++n !== 1));
  t.after(() => srv.close());
  const r = await runInline({ target: srv.url, quotaWindow: '100ms', phases: [{ arrivalCount: 1, duration: 1 }] }, [{
    name: 's', engine: 'tool-rpc',
    flow: [{ call: { method: 'x', params: { identifier: 'w' } } }, { think: '250ms' }, { call: { method: 'x', params: { identifier: 'w' } } }],
  }]);
  assert.equal(r.summary.counters['quota_exceeded:w'], 1);
  assert.equal(r.summary.counters['quota_ok:w'], 1);
  assert.equal(r.summary.counters.quota_inconsistencies, 0);
});
