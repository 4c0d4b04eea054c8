import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHttpServer } from '../helpers/servers.ts';
import { runInline } from '../helpers/run-inline.ts';

type Result = Awaited<ReturnType<typeof runInline>>;
const byName = (r: Result, name: string) => r.summary.byName.find((n) => n.name === name)!;

/** Request times per `params.who`, in ms, from the server's own log. */
function timesByWho(requests: Array<{ body: string; atMs: number }>): number[][] {
  const by = new Map<string, number[]>();
  for (const q of requests) {
    const who = String(JSON.parse(q.body).params?.who);
    by.set(who, [...(by.get(who) ?? []), q.atMs]);
  }
  return [...by.values()];
}

const answer = (res: any, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

test('HTTP 429 with Retry-After: 1 waits one second, then the retry succeeds; both attempts and the outcome are counted', async (t) => {
  const seen = new Set<string>();
  const srv = await startHttpServer((_req, res, body) => {
    const m = JSON.parse(body);
    if (!seen.has(m.params.who)) {
      seen.add(m.params.who);
      return answer(res, 429, { jsonrpc: '2.0', id: m.id, error: { code: -32001, message: 'slow down' } }, { 'retry-after': '1' });
    }
    answer(res, 200, { jsonrpc: '2.0', id: m.id, result: { ok: true } });
  });
  t.after(() => srv.close());
  const r = await runInline({ target: srv.url, phases: [{ arrivalCount: 3, duration: 0.1 }] }, [{
    name: 's', engine: 'tool-rpc',
    flow: [{ call: { method: 'm', params: { who: '{{vu}}' }, retry: { attempts: 3, backoff: 'constant', base: '10ms' } } }],
  }]);
  const m = byName(r, 'm');
  assert.deepEqual(m.outcomes, { ok: 3, failed: {}, expected: {} });
  assert.equal(r.summary.counters.rpc_retries, 3);
  assert.equal(r.summary.counters.rpc_retries_exhausted ?? 0, 0);
  for (const [first, second] of timesByWho(srv.requests)) {
    const gap = second! - first!;
    assert.ok(gap >= 990, `retry came ${gap.toFixed(0)} ms after the 429`);
  }
  assert.ok(m.latencyMs.min >= 990, 'latency includes the wait: it is what the caller saw');
  assert.deepEqual(m.statuses, { 200: 3 }, 'only the final answer is recorded');
});

test('JSON-RPC -32001 inside HTTP 200 honours error.data.retry_after; exhausted retries end as the expected outcome', async (t) => {
  const srv = await startHttpServer((_req, res, body) => {
    const m = JSON.parse(body);
    answer(res, 200, { jsonrpc: '2.0', id: m.id, error: { code: -32001, message: 'rate limit exceeded', data: { retry_after: 0.3 } } });
  });
  t.after(() => srv.close());
  const r = await runInline({ target: srv.url, phases: [{ arrivalCount: 2, duration: 0.1 }] }, [{
    name: 's', engine: 'tool-rpc',
    flow: [{ call: { method: 'm', params: { who: '{{vu}}' }, retry: { attempts: 3, base: '10ms', on: [-32001] } } }],
  }]);
  assert.deepEqual(byName(r, 'm').outcomes, { ok: 0, failed: {}, expected: { rate_limited: 2 } });
  assert.equal(r.summary.counters.rpc_retries, 4, '2 calls × 2 retries');
  assert.equal(r.summary.counters.rpc_retries_exhausted, 2);
  for (const times of timesByWho(srv.requests)) {
    assert.equal(times.length, 3);
    for (let i = 1; i < times.length; i++) assert.ok(times[i]! - times[i - 1]! >= 290, `gap ${times[i]! - times[i - 1]!}`);
  }
});

test('network errors back off exponentially (base, 2 × base) and a later success is ok', async (t) => {
  const attempts = new Map<string, number>();
  const srv = await startHttpServer((req, res, body) => {
    const m = JSON.parse(body);
    const n = (attempts.get(m.params.who) ?? 0) + 1;
    attempts.set(m.params.who, n);
    if (n <= 2) {
      req.socket.destroy();
      return;
    }
    answer(res, 200, { jsonrpc: '2.0', id: m.id, result: 1 });
  });
  t.after(() => srv.close());
  const r = await runInline({ target: srv.url, phases: [{ arrivalCount: 2, duration: 0.1 }] }, [{
    name: 's', engine: 'tool-rpc',
    flow: [{ call: { method: 'm', params: { who: '{{vu}}' }, retry: { attempts: 4, backoff: 'exponential', base: '150ms', max: '1s', on: ['network'] } } }],
  }]);
  assert.equal(byName(r, 'm').ok, 2, JSON.stringify(byName(r, 'm').outcomes));
  assert.equal(r.summary.counters.rpc_retries, 4);
  for (const [a, b, c] of timesByWho(srv.requests)) {
    assert.ok(b! - a! >= 140, `first backoff ${b! - a!}`);
    assert.ok(c! - b! >= 290, `second backoff ${c! - b!}`);
  }
});

test('a batch is retried whole on its HTTP status, with fresh ids', async (t) => {
  let n = 0;
  const srv = await startHttpServer((_req, res, body) => {
    const msg = JSON.parse(body);
    if (++n === 1) return answer(res, 503, { error: 'busy' });
    answer(res, 200, Array.isArray(msg) ? msg.map((m: any) => ({ jsonrpc: '2.0', id: m.id, result: 1 })) : { jsonrpc: '2.0', id: msg.id, result: 1 });
  });
  t.after(() => srv.close());
  const r = await runInline({ target: srv.url, phases: [{ arrivalCount: 1, duration: 0.1 }] }, [{
    name: 's', engine: 'tool-rpc',
    flow: [{ batch: { calls: [{ method: 'a' }, { method: 'b' }], retry: { attempts: 2, base: '10ms', on: [503] } } }, { call: { method: 'c' } }],
  }]);
  assert.equal(byName(r, 'a').ok, 1);
  assert.equal(byName(r, 'b').ok, 1);
  assert.equal(r.summary.counters.rpc_retries, 1);
  assert.equal(srv.requests.length, 3);
  const ids = srv.requests.slice(0, 2).map((q) => JSON.parse(q.body).map((m: any) => m.id).join());
  assert.notEqual(ids[0], ids[1]);
});

test('retry jitter is drawn from the user\'s seeded stream: the draw sets where in base ± jitter the wait falls', async () => {
  const { retryDelayMs } = await import('../../src/engines/tool-rpc/rpc-retry.ts');
  const policy = { attempts: 3, isExponential: true, baseMs: 100, maxMs: 10_000, jitter: 0.5, statuses: new Set<number>(), codes: new Set<number>(), onNetwork: false, onTimeout: false };
  assert.equal(retryDelayMs(policy, 2, 0, 0), 100, 'draw 0: the low end of 200 ms ± 50 %');
  assert.equal(retryDelayMs(policy, 2, 0, 0.5), 200, 'draw 0.5: the middle');
  assert.equal(retryDelayMs(policy, 2, 250, 0), 250, 'Retry-After stays a floor');
});

test('a call still waiting on its retry timer when the run ends is counted abandoned, not dropped', async (t) => {
  const srv = await startHttpServer((_q, res, body) => {
    const m = JSON.parse(body);
    answer(res, 503, { jsonrpc: '2.0', id: m.id, error: { code: -32000, message: 'busy' } });
  });
  t.after(() => srv.close());
  const r = await runInline({ target: srv.url, grace: '300ms', phases: [{ arrivalCount: 2, duration: 0.1 }] }, [{
    name: 's', engine: 'tool-rpc',
    flow: [{ call: { method: 'm', retry: { attempts: 3, backoff: 'constant', base: '30s', on: [503] } } }],
  }]);
  const m = byName(r, 'm');
  assert.equal(srv.requests.length, 2, 'one attempt each; the retries were due long after the end');
  assert.equal(m.abandoned, 2);
  assert.equal(m.count, 0, 'no outcome was made up for them');
});
