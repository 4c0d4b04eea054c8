/**
 * `http.response_time.<percentile>` in a plan that mixes engines: Artillery
 * reads one histogram over every HTTP request, and so does agentload now
 * (ensure-latency-groups.ts), where it used to take the worst HTTP name's
 * percentile as a bound. Nine fast GETs and one slow GET per user, and a
 * tool-rpc call beside them: the check reads the merged histogram (every HTTP
 * request, no tool call), not the slow name's bound. No time is bounded from
 * above: the slow answers' wait is a lower bound. Servers on 127.0.0.1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHttpServer } from '../helpers/servers.ts';
import { runInline } from '../helpers/run-inline.ts';
import { readArtilleryMetric } from '../../src/engine/expect/artillery-metrics.ts';
import type { NameSummary, RunSummary } from '../../src/engine/contracts.ts';

const SLOW_MS = 60;

test('a percentile of http.response_time over several HTTP names, beside another engine, is the merged histogram\'s', async (t) => {
  const srv = await startHttpServer((req, res, body) => {
    if (req.url === '/rpc') {
      const call = JSON.parse(body) as { id: unknown };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: call.id, result: {} }));
    } else if (req.url === '/slow') setTimeout(() => res.writeHead(200).end('slow'), SLOW_MS);
    else res.writeHead(200).end('fast');
  }, { record: false });
  t.after(() => srv.close());
  const r = await runInline({
    target: srv.url, rpcPath: '/rpc', phases: [{ duration: '1s', arrivalRate: 5 }],
    expect: { conditions: [`http.response_time.p99 >= ${SLOW_MS}`, `http.response_time.max >= ${SLOW_MS}`, 'http.requests == 50'] },
  }, [{
    name: 'mixed',
    flow: [{ loop: [{ get: { url: '/fast', name: 'fast' } }], count: 9 }, { get: { url: '/slow', name: 'slow' } }, { call: { method: 'tools.list', name: 'rpc' } }],
  }]);
  const by = (n: string, custom = false): NameSummary | undefined => r.summary.byName.find((x) => x.name === n && (x.tags.custom === 'histogram') === custom);
  assert.equal(by('fast')?.count, 45);
  assert.equal(by('slow')?.count, 5);
  assert.equal(by('rpc')?.count, 5);
  const group = by('http.response_time', true);
  assert.ok(group !== undefined, 'the merged histogram is recorded');
  assert.equal(group.count, 50, 'every HTTP request, none of the tool calls');
  assert.ok(by('slow')!.latencyMs.p50 >= SLOW_MS, 'the slow name alone is slow at p50');
  for (const e of r.expectations) assert.equal(e.isPass, true, `${e.name}: ${e.measured}`);
  const facts = { httpNames: ['fast', 'slow'], socketioNames: [] };
  const oneDecimal = (ms: number): number => Math.round(ms * 10) / 10;
  assert.equal(readArtilleryMetric('http.response_time.p50', r.summary, facts), oneDecimal(group.latencyMs.p50), 'read from the merged histogram');
  assert.equal(readArtilleryMetric('http.response_time.p99', r.summary, facts), oneDecimal(group.latencyMs.p99));
  // Without it (a result from before it existed) a percentile is the worst name's, the slow one's here.
  const without: RunSummary = { ...r.summary, byName: r.summary.byName.filter((x) => x !== group) };
  assert.equal(readArtilleryMetric('http.response_time.p50', without, facts), oneDecimal(Math.max(by('fast')!.latencyMs.p50, by('slow')!.latencyMs.p50)));
});

test('a plan whose checks read no percentile of several names records no merged histogram', async (t) => {
  const srv = await startHttpServer((req, res, body) => {
    if (req.url === '/rpc') res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: (JSON.parse(body) as { id: unknown }).id, result: {} }));
    else res.writeHead(200).end('ok');
  }, { record: false });
  t.after(() => srv.close());
  const r = await runInline({
    target: srv.url, rpcPath: '/rpc', phases: [{ duration: '1s', arrivalRate: 2 }],
    expect: { conditions: ['http.response_time.max < 5000', 'http.requests == 4'] },
  }, [{ name: 'mixed', flow: [{ get: { url: '/a', name: 'a' } }, { get: { url: '/b', name: 'b' } }, { call: { method: 'tools.list', name: 'rpc' } }] }]);
  assert.equal(r.summary.byName.some((x) => x.tags.custom === 'histogram'), false);
  for (const e of r.expectations) assert.equal(e.isPass, true, `${e.name}: ${e.measured}`);
});
