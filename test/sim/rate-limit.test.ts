import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { QuotaBook } from '../../src/sim/quotas.ts';
import { RateLimiter } from '../../src/sim/rate-limiter.ts';
import { post, rpc, startTestSim } from './sim-helpers.ts';

const echo = { tool_id: 'echo', parameters: { message: 'burst-test' } };

test('plain requests past the burst get 429 with Retry-After, and pass again after refill', async (t) => {
  const sim = await startTestSim(t, { rateLimit: { ratePerSec: 2, burst: 3 } });
  const client = { 'x-client-id': 'a' };
  // Sent together so the bucket cannot refill between them on a slow machine.
  const answers = await Promise.all([1, 2, 3, 4].map(() => rpc(sim, 'agent.ping', {}, client)));
  assert.deepEqual(answers.map((a) => a.status).sort(), [200, 200, 200, 429]);
  const limited = answers.find((a) => a.status === 429)!;
  assert.equal(limited.headers.get('retry-after'), '1');
  assert.equal(limited.json.error.code, -32001);
  assert.equal(limited.json.error.message, 'rate limit exceeded');
  assert.equal(limited.json.error.data.retry_after, 1);
  assert.equal((await rpc(sim, 'agent.ping', {}, { 'x-client-id': 'b' })).status, 200, 'other clients are not affected');
  await sleep(600); // 2 tokens/s → one token back every 500 ms
  assert.equal((await rpc(sim, 'agent.ping', {}, client)).status, 200);
});

test('tool calls past the burst get HTTP 200 with -32001 and Retry-After', async (t) => {
  const sim = await startTestSim(t, { rateLimit: { ratePerSec: 2, burst: 2 } });
  const auth = { authorization: 'Bearer user-1' };
  const answers = await Promise.all([1, 2, 3].map(() => rpc(sim, 'tools.execute', echo, auth)));
  assert.equal(answers.filter((a) => a.json.result).length, 2);
  const limited = answers.find((a) => a.json.error)!;
  assert.equal(limited.status, 200);
  assert.equal(limited.headers.get('retry-after'), '1');
  assert.deepEqual(limited.json.error, { code: -32001, message: 'rate limit exceeded', data: { retry_after: 1 } });
  const status = await rpc(sim, 'tools.get_rate_limit_status', { tool_id: 'echo' }, auth);
  assert.equal(status.status, 200, 'status queries are never limited');
  assert.equal(status.json.result.rate_limit.remaining, 0);
  assert.equal((await rpc(sim, 'tools.list', {}, auth)).status, 429, 'non-tool methods get 429');
  await sleep(600);
  assert.ok((await rpc(sim, 'tools.execute', echo, auth)).json.result);
});

test('params.identifier keys the bucket when there is no header; anonymous callers are unlimited by default', async (t) => {
  const sim = await startTestSim(t, { rateLimit: { ratePerSec: 1, burst: 1 } });
  assert.ok((await rpc(sim, 'tools.execute', { ...echo, identifier: 'agent-1' })).json.result);
  assert.equal((await rpc(sim, 'tools.execute', { ...echo, identifier: 'agent-1' })).json.error.code, -32001);
  assert.ok((await rpc(sim, 'tools.execute', { ...echo, identifier: 'agent-2' })).json.result);
  for (let i = 0; i < 5; i++) assert.equal((await rpc(sim, 'agent.ping', {})).status, 200);

  const strict = await startTestSim(t, { rateLimit: { ratePerSec: 1, burst: 1, limitAnonymous: true } });
  assert.equal((await rpc(strict, 'agent.ping', {})).status, 200);
  assert.equal((await rpc(strict, 'agent.ping', {})).status, 429);
});

test('with penaltyMs a client stays limited after the bucket has refilled', async (t) => {
  const sim = await startTestSim(t, { rateLimit: { ratePerSec: 50, burst: 1, penaltyMs: 1000 } });
  const client = { 'x-client-id': 'p' };
  const first = await Promise.all([1, 2].map(() => rpc(sim, 'agent.ping', {}, client)));
  assert.deepEqual(first.map((a) => a.status).sort(), [200, 429]);
  await sleep(100); // the bucket is full again, the penalty is not over
  const boxed = await rpc(sim, 'agent.ping', {}, client);
  assert.equal(boxed.status, 429);
  assert.equal(boxed.headers.get('retry-after'), '1');
  await sleep(1000);
  assert.equal((await rpc(sim, 'agent.ping', {}, client)).status, 200);
});

test('batch entries each take a token; limited entries carry -32001', async (t) => {
  const sim = await startTestSim(t, { rateLimit: { ratePerSec: 1, burst: 2 } });
  const call = (id: number) => ({ jsonrpc: '2.0', id, method: 'tools.execute', params: echo });
  const res = await post(sim, JSON.stringify([call(1), call(2), call(3)]), { 'x-client-id': 'batcher' });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('retry-after'), '1');
  assert.ok(res.json[1].result);
  assert.equal(res.json[2].error.code, -32001);
});

test('rate limiting can be turned off', async (t) => {
  const sim = await startTestSim(t, { rateLimit: null });
  for (let i = 0; i < 5; i++) assert.equal((await rpc(sim, 'agent.ping', {}, { 'x-client-id': 'a' })).status, 200);
  const status = await rpc(sim, 'tools.get_rate_limit_status', {});
  assert.deepEqual(status.json.result.rate_limit, { enabled: false });
});

test('quotas: -32005 once exhausted, isolated per identifier', async (t) => {
  const sim = await startTestSim(t, { quotas: { daily: 2 } });
  const run = (identifier: string) => rpc(sim, 'tools.execute', { ...echo, identifier });
  assert.ok((await run('agent-1')).json.result);
  assert.ok((await run('agent-1')).json.result);
  const denied = await run('agent-1');
  assert.equal(denied.status, 200);
  assert.equal(denied.json.error.code, -32005);
  assert.equal(denied.json.error.data.period, 'daily');
  assert.equal(denied.json.error.data.limit, 2);
  assert.ok((await run('agent-2')).json.result, 'another identifier has its own quota');
  const status = await rpc(sim, 'tools.get_rate_limit_status', { tool_id: 'echo', identifier: 'agent-1' });
  assert.equal(status.json.result.quota.daily.remaining, 0);
  const batch = await rpc(sim, 'tools.execute_batch', { identifier: 'agent-3', executions: [echo, echo, echo] });
  assert.deepEqual(batch.json.result.results.map((r: { success: boolean }) => r.success), [true, true, false]);
  assert.equal(batch.json.result.results[2].error.code, -32005);
});

test('monthly quota applies across days', async (t) => {
  const sim = await startTestSim(t, { quotas: { monthly: 1 } });
  assert.ok((await rpc(sim, 'tools.execute', { ...echo, identifier: 'm' })).json.result);
  const denied = await rpc(sim, 'tools.execute', { ...echo, identifier: 'm' });
  assert.equal(denied.json.error.code, -32005);
  assert.equal(denied.json.error.data.period, 'monthly');
});

test('RateLimiter refills continuously and reports whole seconds to wait', () => {
  const limiter = new RateLimiter({ ratePerSec: 2, burst: 3, limitAnonymous: false });
  for (let i = 0; i < 3; i++) assert.equal(limiter.take('k', 0), 0);
  assert.equal(limiter.take('k', 0), 1);
  assert.equal(limiter.take('k', 500), 0, 'one token back after 500 ms at 2/s');
  assert.equal(limiter.peek('k', 500).remaining, 0);
  assert.equal(limiter.peek('k', 2000).remaining, 3, 'never above the burst');
  limiter.sweep(5000);
  assert.equal(limiter.size, 0, 'full buckets are dropped');
  const slow = new RateLimiter({ ratePerSec: 0.25, burst: 1, limitAnonymous: false });
  slow.take('k', 0);
  assert.equal(slow.take('k', 0), 4);
  limiter.close();
  slow.close();
});

test('QuotaBook resets the daily count on a new UTC day', () => {
  const book = new QuotaBook({ daily: 1, monthly: 5 });
  const day1 = Date.UTC(2024, 0, 31, 23, 0);
  assert.equal(book.consume('x', day1), null);
  assert.equal(book.consume('x', day1)?.period, 'daily');
  assert.equal(book.consume('x', day1)?.resetsAt, '2024-02-01T00:00:00.000Z');
  const day2 = Date.UTC(2024, 1, 1, 1, 0);
  assert.equal(book.consume('x', day2), null);
  assert.equal(book.status('x', day2).monthly.used, 1, 'a new month restarts the monthly count too');
  assert.equal(book.status('nobody', day2).daily.used, 0);
});
