import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHttpServer } from '../helpers/servers.ts';
import { runInline } from '../helpers/run-inline.ts';

const byName = (r: Awaited<ReturnType<typeof runInline>>, name: string) => r.summary.byName.find((n) => n.name === name)!;

test('a timeout covers the whole request: a body that stalls after the headers times out', async (t) => {
  const srv = await startHttpServer((_req, res) => { res.writeHead(200, { 'content-length': '10' }); res.write('12345'); });
  t.after(() => srv.close());
  const r = await runInline({ target: srv.url, http: { timeout: '300ms' }, phases: [{ arrivalCount: 2, duration: 0.1 }] },
    [{ name: 's', flow: [{ get: { url: '/', name: 'x' } }] }]);
  assert.deepEqual(byName(r, 'x').outcomes.failed, { timeout: 2 });
  assert.ok(byName(r, 'x').latencyMs.min >= 290, JSON.stringify(byName(r, 'x').latencyMs));
});

test('a timeout includes time queued for a connection: requests behind a hung one time out at their own deadline', async (t) => {
  const srv = await startHttpServer(() => { /* never answers */ });
  t.after(() => srv.close());
  // One connection, three requests at once: undici's per-socket timers would end them at 300, 600 and 900 ms,
  // a spread of 3 ×; each request's own deadline ends all three together. A ratio, so a busy machine cannot fail it.
  const r = await runInline({ target: srv.url, http: { connections: 1, timeout: '300ms' }, phases: [{ arrivalCount: 3, duration: 0.01 }] },
    [{ name: 's', flow: [{ get: { url: '/', name: 'x' } }] }]);
  const x = byName(r, 'x');
  assert.deepEqual(x.outcomes.failed, { timeout: 3 });
  assert.ok(x.latencyMs.min >= 290, JSON.stringify(x.latencyMs));
  assert.ok(x.latencyMs.max < 1.8 * x.latencyMs.min, `the last one ended at ${x.latencyMs.max} ms, the first at ${x.latencyMs.min} ms`);
});

test('a step timeout overrides the config one, and a request that answers in time is not touched', async (t) => {
  const srv = await startHttpServer((req, res) => { setTimeout(() => { res.writeHead(200); res.end('ok'); }, req.url === '/slow' ? 400 : 20); });
  t.after(() => srv.close());
  const r = await runInline({ target: srv.url, http: { timeout: '2s' }, phases: [{ arrivalCount: 4, duration: 0.1 }] }, [{
    name: 's', flow: [
      { get: { url: '/slow', name: 'slow', timeout: '150ms' } },
      { get: { url: '/fast', name: 'fast' } },
      { get: { url: '/slow', name: 'slow-ok' } },
    ],
  }]);
  assert.deepEqual(byName(r, 'slow').outcomes.failed, { timeout: 4 });
  assert.equal(byName(r, 'fast').ok, 4);
  assert.equal(byName(r, 'slow-ok').ok, 4);
});
