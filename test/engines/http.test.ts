import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHttpServer, okJson, closedPort } from '../helpers/servers.ts';
import { runInline } from '../helpers/run-inline.ts';

const byName = (r: Awaited<ReturnType<typeof runInline>>, name: string) => r.summary.byName.find((n) => n.name === name)!;

test('open model: 200 arrivals/s for 5 s sends 1000 ± 1 % requests, latency from schedule', async (t) => {
  const srv = await startHttpServer(okJson);
  t.after(() => srv.close());
  const r = await runInline({ target: srv.url, phases: [{ arrivalRate: 200, duration: 5 }] }, [{ name: 's', flow: [{ get: { url: '/x', name: 'x' } }] }]);
  assert.ok(Math.abs(srv.requests.length - 1000) <= 10, String(srv.requests.length));
  assert.equal(r.summary.overall.count, srv.requests.length);
  assert.equal(r.summary.overall.errors, 0);
  assert.ok(r.summary.overall.latencyMs.p50 > 0);
  assert.equal(r.intervals.reduce((n, i) => n + i.overall.count, 0), r.summary.overall.count, 'intervals add up to the total');
});

test('closed model: 20 users keep 20 requests in flight', async (t) => {
  const srv = await startHttpServer((_req, res) => { setTimeout(() => okJson(_req, res, ''), 50); });
  t.after(() => srv.close());
  const r = await runInline({ target: srv.url, phases: [{ users: 20, spawnRate: 100, duration: 2 }] }, [{ name: 's', flow: [{ get: { url: '/slow' } }] }]);
  assert.equal(srv.inFlight.max, 20);
  assert.equal(r.summary.gaugePeaks.vusers_active, 20);
  // 20 users × ~2 s / ~50 ms each ≈ 800 requests; generous band for a shared machine
  assert.ok(r.summary.overall.count > 400 && r.summary.overall.count <= 820, String(r.summary.overall.count));
});

test('latency counts time queued for a connection (no coordinated omission)', async (t) => {
  const srv = await startHttpServer((_req, res) => { setTimeout(() => okJson(_req, res, ''), 100); });
  t.after(() => srv.close());
  // 20 arrivals at once, one connection, 100 ms each: the last waits ~2 s in the queue. The grace
  // outlasts the queue (runInline's default 2 s cut the last request off as abandoned on a busy machine).
  const r = await runInline({ target: srv.url, http: { connections: 1 }, grace: '30s', phases: [{ arrivalCount: 20, duration: 0.05 }] },
    [{ name: 's', flow: [{ get: { url: '/q', name: 'q' } }] }]);
  const q = byName(r, 'q');
  assert.equal(q.count, 20);
  assert.ok(q.latencyMs.max > 1800, `max ${q.latencyMs.max}`);
  assert.ok(q.latencyMs.p50 > 900, `p50 ${q.latencyMs.p50}`);
  assert.ok((r.summary.counters.http_pool_waits ?? 0) >= 18, 'requests that waited for the one connection are counted');
});

test('the default pool is bounded: one connection per closed-model user, at least 128', async (t) => {
  const srv = await startHttpServer((_req, res) => { setTimeout(() => okJson(_req, res, ''), 200); });
  t.after(() => srv.close());
  // 300 arrivals at once against a slow server: the default pool opens 128 connections, the rest wait
  const r = await runInline({ target: srv.url, phases: [{ arrivalCount: 300, duration: 0.05 }] }, [{ name: 's', flow: [{ get: { url: '/' } }] }]);
  assert.equal(srv.inFlight.max, 128);
  assert.equal(r.summary.overall.ok, 300);
  assert.ok((r.summary.counters.http_pool_waits ?? 0) > 100);
});

test('capture, templates, expect: json equals, status list, content type; failures get reasons', async (t) => {
  const srv = await startHttpServer((req, res, body) => {
    if (req.url === '/login') { res.writeHead(200, { 'content-type': 'application/json', 'x-token': 'hdr-tok' }); res.end('{"token":"abc","n":3}'); return; }
    if (req.url!.startsWith('/use')) { res.writeHead(201, { 'content-type': 'application/json' }); res.end(JSON.stringify({ got: req.headers.authorization, body: JSON.parse(body || '{}') })); return; }
    res.writeHead(503); res.end('down');
  });
  t.after(() => srv.close());
  const r = await runInline({ target: srv.url, variables: { who: 'me' }, phases: [{ arrivalCount: 3, duration: 0.1 }] }, [{
    name: 's', flow: [
      { get: { url: '/login', name: 'login', capture: [{ json: 'token', as: 'tok' }, { header: 'x-token', as: 'htok' }, { regex: '"n":(\\d+)', as: 'n' }] } },
      { post: { url: '/use?h={{htok}}', name: 'use', headers: { authorization: 'Bearer {{tok}}' }, json: { who: '{{who}}', n: '{{n}}' },
        expect: { status: [200, 201], contentType: 'json', json: [{ path: 'got', equals: 'Bearer abc' }, { path: 'body.n', equals: 3 }, { path: 'body.who', matches: '^me$' }] } } },
      { get: { url: '/use', name: 'wrong', expect: { json: [{ path: 'got', equals: 'nope' }] } } },
      { get: { url: '/down', name: 'down' } },
    ],
  }]);
  assert.equal(byName(r, 'login').ok, 3);
  assert.equal(byName(r, 'use').ok, 3, JSON.stringify(byName(r, 'use').outcomes));
  assert.ok(srv.requests.some((q) => q.url === '/use?h=hdr-tok'));
  assert.deepEqual(byName(r, 'wrong').outcomes.failed, { expect_json: 3 });
  assert.deepEqual(byName(r, 'down').outcomes.failed, { http_503: 3 });
  assert.equal(byName(r, 'down').statuses['503'], 3);
});

test('expected outcomes are counted by name and excluded from the error rate', async (t) => {
  const srv = await startHttpServer((_req, res) => { res.writeHead(429, { 'retry-after': '1' }); res.end(); });
  t.after(() => srv.close());
  const r = await runInline({ target: srv.url, outcomes: { rate_limited: { status: [429] } }, phases: [{ arrivalCount: 5, duration: 0.1 }] },
    [{ name: 's', flow: [{ get: { url: '/', name: 'r' } }] }]);
  const s = byName(r, 'r');
  assert.equal(s.expected, 5);
  assert.equal(s.errors, 0);
  assert.equal(s.errorRate, 0);
  assert.deepEqual(s.outcomes.expected, { rate_limited: 5 });
});

test('a refused connection and a timeout are counted, not thrown', async (t) => {
  const port = await closedPort();
  const r1 = await runInline({ target: `http://127.0.0.1:${port}`, phases: [{ arrivalCount: 4, duration: 0.1 }] }, [{ name: 's', flow: [{ get: { url: '/', name: 'x' } }] }]);
  assert.deepEqual(byName(r1, 'x').outcomes.failed, { econnrefused: 4 });
  const srv = await startHttpServer(() => { /* never answers */ });
  t.after(() => srv.close());
  const r2 = await runInline({ target: srv.url, http: { timeout: '300ms' }, phases: [{ arrivalCount: 2, duration: 0.1 }] }, [{ name: 's', flow: [{ get: { url: '/', name: 'x' } }] }]);
  assert.deepEqual(byName(r2, 'x').outcomes.failed, { timeout: 2 });
  assert.ok(byName(r2, 'x').latencyMs.p50 >= 290);
});

test('a refused connection with requests queued for it, or users looping on it, is counted, not a crash', async () => {
  // One connection: when its connect fails, undici fails every request on that client in one loop, and each
  // failure frees the lane for the next waiting request or the user's next iteration. Sent onto the same
  // client inside that loop, it broke undici's invariant and threw from an event handler.
  const port = await closedPort();
  const queued = await runInline({ target: `http://127.0.0.1:${port}`, http: { connections: 1 }, phases: [{ arrivalCount: 20, duration: 0.01 }] },
    [{ name: 's', flow: [{ get: { url: '/', name: 'x' } }, { get: { url: '/', name: 'y' } }] }]);
  assert.deepEqual(byName(queued, 'x').outcomes.failed, { econnrefused: 20 });
  assert.deepEqual(byName(queued, 'y').outcomes.failed, { econnrefused: 20 });
  const looping = await runInline({ target: `http://127.0.0.1:${port}`, http: { connections: 1 }, phases: [{ users: 3, spawnRate: 100, duration: 0.3 }] },
    [{ name: 's', flow: [{ get: { url: '/', name: 'z' } }] }]);
  const z = byName(looping, 'z');
  assert.ok(z.errors > 3 && z.errors === z.outcomes.failed.econnrefused, JSON.stringify(z.outcomes));
});

test('loop (count and over), think and log; beforeScenario runs once per user', async (t) => {
  const srv = await startHttpServer(okJson);
  t.after(() => srv.close());
  const r = await runInline({ target: srv.url, phases: [{ arrivalCount: 2, duration: 0.1 }] }, [{
    name: 's',
    beforeScenario: [{ get: { url: '/setup', name: 'setup' } }],
    flow: [
      { loop: [{ get: { url: '/item/{{$loopElement}}', name: 'item' } }], over: ['a', 'b', 'c'] },
      { think: { min: '10ms', max: '20ms' } },
      { loop: [{ get: { url: '/n', name: 'n' } }], count: 4 },
      { log: 'done {{vu}}' },
    ],
  }]);
  assert.equal(byName(r, 'setup').count, 2);
  assert.equal(byName(r, 'item').count, 6);
  assert.deepEqual(srv.requests.filter((q) => q.url.startsWith('/item/')).map((q) => q.url).sort(), ['/item/a', '/item/a', '/item/b', '/item/b', '/item/c', '/item/c']);
  assert.equal(byName(r, 'n').count, 8);
  assert.equal(r.logs.filter((l) => /done \d+/.test(l)).length, 2);
});

test('weighted scenarios split arrivals by weight', async (t) => {
  const srv = await startHttpServer(okJson, { record: false });
  t.after(() => srv.close());
  const r = await runInline({ target: srv.url, phases: [{ arrivalCount: 2000, duration: 1 }] }, [
    { name: 'a', weight: 3, flow: [{ get: { url: '/a', name: 'a' } }] },
    { name: 'b', weight: 1, flow: [{ get: { url: '/b', name: 'b' } }] },
  ]);
  const share = byName(r, 'a').count / r.summary.overall.count;
  assert.ok(share > 0.7 && share < 0.8, String(share));
});

test('maxVusers drops arrivals instead of queueing them', async (t) => {
  const srv = await startHttpServer((_req, res) => { setTimeout(() => okJson(_req, res, ''), 300); });
  t.after(() => srv.close());
  const r = await runInline({ target: srv.url, phases: [{ arrivalCount: 20, duration: 0.1, maxVusers: 5 }] }, [{ name: 's', flow: [{ get: { url: '/' } }] }]);
  assert.equal(r.summary.overall.count, 5);
  assert.equal(r.summary.counters.arrivals_dropped, 15);
});

test('an abort stops the run early and still returns what was measured', async (t) => {
  const srv = await startHttpServer(okJson, { record: false });
  t.after(() => srv.close());
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 700);
  const r = await runInline({ target: srv.url, phases: [{ users: 5, duration: 30 }] }, [{ name: 's', flow: [{ get: { url: '/' } }, { think: '10ms' }] }], [], ac.signal);
  assert.equal(r.isAborted, true);
  // Measured against the plan, not the machine: a run that ignored the abort would last the phase's 30 s.
  assert.ok(r.summary.durationMs < 30_000, `ran ${r.summary.durationMs} ms`);
  assert.ok(r.summary.overall.count > 0);
});

test('a pre-built static request sends the same bytes as the templated path', async (t) => {
  const srv = await startHttpServer(okJson);
  t.after(() => srv.close());
  await runInline({ target: srv.url, variables: { v: 'x' }, phases: [{ arrivalCount: 1, duration: 0.05 }] }, [{
    name: 's', flow: [
      { post: { url: '/p?a=1', name: 'static', headers: { 'x-k': 'x' }, qs: { b: 2 }, json: { m: 'x', n: [1, 2] } } },
      { post: { url: '/p?a={{randomInt 1 1}}', name: 'dynamic', headers: { 'x-k': '{{v}}' }, qs: { b: '{{randomInt 2 2}}' }, json: { m: '{{v}}', n: [1, '{{randomInt 2 2}}'] } } },
    ],
  }]);
  const [a, b] = srv.requests;
  const strip = (h: Record<string, unknown>) => Object.fromEntries(Object.entries(h).filter(([k]) => k !== 'connection' && k !== 'keep-alive'));
  assert.equal(a!.url, b!.url);
  assert.equal(a!.body, b!.body);
  assert.deepEqual(strip(a!.headers), strip(b!.headers));
  assert.equal(a!.body, '{"m":"x","n":[1,2]}');
});

test('a VU object reused for a later arrival starts clean: its own id, no captures of the user before, its before-steps and loops', async (t) => {
  let n = 0;
  const srv = await startHttpServer((req, res) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify({ token: `t${++n}` })); });
  t.after(() => srv.close());
  // 40 ms apart against a loopback server: each user has finished before the next arrives, so users share VU objects.
  const r = await runInline({ target: srv.url, phases: [{ arrivalRate: 25, duration: 1 }] }, [{
    name: 's',
    beforeScenario: [{ get: { url: '/setup?seen={{tok}}', name: 'setup' } }],
    flow: [
      { get: { url: '/first?seen={{tok}}&vu={{vu}}', name: 'first', capture: [{ json: 'token', as: 'tok' }] } },
      { loop: [{ get: { url: '/again/{{$loopIndex}}?tok={{tok}}', name: 'again' } }], count: 2 },
    ],
  }]);
  const firsts = srv.requests.filter((q) => q.url.startsWith('/first'));
  assert.equal(firsts.length, 25);
  assert.ok(firsts.every((q) => q.url.startsWith('/first?seen=&')), firsts.map((q) => q.url).join(' '));
  assert.equal(new Set(firsts.map((q) => new URL(q.url, 'http://x').searchParams.get('vu'))).size, 25, 'every arrival has its own id');
  assert.ok(srv.requests.filter((q) => q.url.startsWith('/setup')).every((q) => q.url === '/setup?seen='));
  assert.equal(byName(r, 'setup').count, 25);
  assert.equal(byName(r, 'again').count, 50);
  assert.ok(srv.requests.filter((q) => q.url.startsWith('/again/')).every((q) => /^\/again\/[01]\?tok=t\d+$/.test(q.url)));
  assert.equal(r.summary.overall.errors, 0);
});
