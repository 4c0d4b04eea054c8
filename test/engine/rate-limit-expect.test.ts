/**
 * expect.rateLimit catches what it claims: against the sim's honest token
 * bucket every line PASSes; against small node:http limiters that over-admit,
 * limit below their claimed rate, omit Retry-After or advertise a wait that
 * is too short, the matching line FAILs. Real sockets; the runs go in parallel.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSim } from '../../src/sim/start-sim.ts';
import { startHttpServer, type TestServer } from '../helpers/servers.ts';
import { runInline } from '../helpers/run-inline.ts';
import { RateLimitRecorder, RL_ADMITTED, RL_OFFERED } from '../../src/engine/metrics/rate-limit-recorder.ts';
import type { ExpectationResult } from '../../src/engine/contracts.ts';

type Result = { expectations: readonly ExpectationResult[] };
const line = (r: Result, part: string): ExpectationResult => {
  const found = r.expectations.find((e) => e.name.includes(part));
  assert.ok(found, `no line containing "${part}" in ${r.expectations.map((e) => e.name).join(' | ')}`);
  return found;
};
const show = (r: Result): string => r.expectations.map((e) => `${e.isPass ? 'PASS' : 'FAIL'} ${e.name}: ${e.measured}${e.reason ? ` (${e.reason})` : ''}`).join('\n');

/**
 * A limiter that claims one thing and does another: it admits `admitPerSec`
 * per client per wall-clock second, answers the rest 429 (or JSON-RPC -32001
 * with `rpc`), with `Retry-After: retryAfter` unless that is null.
 */
function fixedWindowLimiter(admitPerSec: number, retryAfter: string | null, rpc = false): Promise<TestServer> {
  const seen = new Map<string, number>();
  return startHttpServer((req, res, body) => {
    const id = `${Math.floor(Date.now() / 1000)}|${String(req.headers['x-client-id'] ?? '')}`;
    const n = (seen.get(id) ?? 0) + 1;
    seen.set(id, n);
    const rpcId = rpc ? (JSON.parse(body) as { id: unknown }).id : 1;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (n <= admitPerSec) {
      res.writeHead(200, headers).end(JSON.stringify({ jsonrpc: '2.0', id: rpcId, result: { ok: true } }));
      return;
    }
    if (retryAfter !== null) headers['retry-after'] = retryAfter;
    if (rpc) res.writeHead(200, headers).end(JSON.stringify({ jsonrpc: '2.0', id: rpcId, error: { code: -32001, message: 'rate limit exceeded' } }));
    else res.writeHead(429, headers).end('{}');
  });
}

// Claimed: 20/s, burst 5. Steady offers 14/s (under 20 × 0.8), over offers 50/s.
const httpPlan = (target: string, key: string | null = 'a') => runInline({
  target,
  ...(key === null ? {} : { rateLimitKey: key }),
  phases: [{ name: 'steady', duration: '3s', arrivalRate: 14 }, { name: 'over', duration: '3s', arrivalRate: 50 }],
  expect: { rateLimit: { limit: '20/s', burst: 5, tolerance: '20%' } },
}, [{ name: 'ping', flow: [{ post: { url: '/api/v1/jsonrpc', name: 'ping', headers: { 'x-client-id': 'a' }, json: { jsonrpc: '2.0', id: 1, method: 'agent.ping', params: {} } } }] }]);

test('http engine: the sim\'s honest limiter PASSes; over-admitting, over-limiting and header-less limiters FAIL their line', async (t) => {
  const sim = await startSim({ port: 0, rateLimit: { ratePerSec: 20, burst: 5 } });
  const [over, under, bare] = await Promise.all([fixedWindowLimiter(40, '1'), fixedWindowLimiter(10, '1'), fixedWindowLimiter(20, null)]);
  t.after(() => Promise.all([sim.close(), over.close(), under.close(), bare.close()]));
  const [honest, a, b, c] = await Promise.all([httpPlan(sim.url), httpPlan(over.url), httpPlan(under.url), httpPlan(bare.url)]);
  t.diagnostic(`honest sim:\n${show(honest)}\nover-admitting:\n${show(a)}\nlimits below claim:\n${show(b)}\nno Retry-After:\n${show(c)}`);
  for (const part of ['admitted per key', 'none limited under', 'says when to retry']) assert.equal(line(honest, part).isPass, true, show(honest));
  assert.equal(honest.expectations.some((e) => e.name.includes('advertised wait')), false, 'no retries ran, so no honest-wait line');
  assert.ok(honest.rateLimits !== undefined && Object.keys(honest.rateLimits).length >= 6, 'the table is in the result');
  assert.equal(line(a, 'admitted per key').isPass, false, show(a));
  assert.equal(line(b, 'none limited under').isPass, false, show(b));
  assert.equal(line(b, 'admitted per key').isPass, true, show(b));
  assert.equal(line(c, 'says when to retry').isPass, false, show(c));
});

// One key per user, so a retry competes with nobody: an honest wait must be enough.
const rpcPlan = (target: string) => runInline({
  target, rpcPath: '/api/v1/jsonrpc', rateLimitKey: 'c{{ vu }}',
  phases: [{ duration: '4s', users: 2 }],
  expect: { rateLimit: { limit: '10/s', burst: 5, tolerance: '20%', honestWait: true } },
}, [{
  name: 'tools', engine: 'tool-rpc',
  flow: [{ call: { method: 'tools.execute', params: { tool_id: 'echo', parameters: { message: 'hi' } }, headers: { 'x-client-id': 'c{{ vu }}' }, retry: { attempts: 3, on: [-32001], base: '10ms' } } }, { think: '20ms' }],
}]);

test('tool-rpc engine: retries after the sim\'s Retry-After succeed; after a too-short advertised wait they FAIL', async (t) => {
  const sim = await startSim({ port: 0, rateLimit: { ratePerSec: 10, burst: 5 } });
  const liar = await fixedWindowLimiter(10, '0.05', true);
  t.after(() => Promise.all([sim.close(), liar.close()]));
  const [honest, short] = await Promise.all([rpcPlan(sim.url), rpcPlan(liar.url)]);
  t.diagnostic(`honest sim:\n${show(honest)}\nshort wait:\n${show(short)}`);
  assert.equal(line(honest, 'advertised wait').isPass, true, show(honest));
  assert.equal(line(honest, 'admitted per key').isPass, true, show(honest));
  assert.equal(line(honest, 'says when to retry').isPass, true, show(honest));
  assert.equal(line(short, 'advertised wait').isPass, false, show(short));
});

test('a plan with no rateLimitKey FAILs with the reason instead of passing unchecked', async (t) => {
  const sim = await startSim({ port: 0, rateLimit: { ratePerSec: 20, burst: 5 } });
  t.after(() => sim.close());
  const r = await runInline({ target: sim.url, phases: [{ duration: '1s', arrivalRate: 5 }], expect: { rateLimit: { limit: '20/s' } } },
    [{ name: 's', flow: [{ get: { url: '/api/v1/health', name: 'health' } }] }]);
  assert.equal(r.expectations.length, 1);
  assert.equal(r.expectations[0]!.isPass, false);
  assert.match(r.expectations[0]!.reason ?? '', /rateLimitKey is not set/);
});

test('recorder tables from several workers merge by adding', () => {
  const a = new RateLimitRecorder();
  const b = new RateLimitRecorder();
  a.record('k', 0, RL_OFFERED);
  a.record('k', 0, RL_ADMITTED);
  b.record('k', 0, RL_OFFERED);
  b.record('j', 1, RL_OFFERED);
  const all = new RateLimitRecorder();
  all.merge(a.take());
  all.merge(b.encode());
  assert.deepEqual(all.encode(), { '0\tk': [2, 1, 0, 0, 0, 0, 0, 0], '1\tj': [1, 0, 0, 0, 0, 0, 0, 0] });
  assert.deepEqual(a.encode(), {}, 'take() drains');
});
