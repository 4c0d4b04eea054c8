import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { Chaos } from '../../src/sim/chaos.ts';
import { resolveSimConfig } from '../../src/sim/sim-config.ts';
import { get, metricValue, post, rpc, startTestSim } from './sim-helpers.ts';

test('/metrics exposes process memory, request counters by method and code, and latency', async (t) => {
  const sim = await startTestSim(t);
  for (let i = 0; i < 3; i++) await rpc(sim, 'agent.ping', {});
  await rpc(sim, 'no.such', {});
  await post(sim, '{oops');
  await get(sim, '/api/v1/health');
  const metrics = await get(sim, '/metrics');
  assert.equal(metrics.status, 200);
  assert.match(metrics.headers.get('content-type') ?? '', /^text\/plain/);
  assert.ok((metricValue(metrics.text, 'process_resident_memory_bytes') ?? 0) > 1_000_000);
  assert.match(metrics.text, /process_cpu_seconds_total/);
  assert.equal(metricValue(metrics.text, 'agentload_sim_requests_total{method="agent.ping",code="200"}'), 3);
  assert.equal(metricValue(metrics.text, 'agentload_sim_requests_total{method="unknown",code="-32601"}'), 1);
  assert.equal(metricValue(metrics.text, 'agentload_sim_requests_total{method="parse_error",code="400"}'), 1);
  assert.equal(metricValue(metrics.text, 'agentload_sim_requests_total{method="health",code="200"}'), 1);
  assert.equal(metricValue(metrics.text, 'agentload_sim_request_duration_seconds_count{method="agent.ping"}'), 3);
  assert.equal(metricValue(metrics.text, 'agentload_sim_request_duration_seconds_bucket{method="agent.ping",le="+Inf"}'), 3);
  assert.equal(metricValue(metrics.text, 'agentload_sim_ws_connections_active'), 0);
});

test('two sims in one process keep separate registries', async (t) => {
  const a = await startTestSim(t);
  const b = await startTestSim(t);
  await rpc(a, 'agent.ping', {});
  const text = (await get(b, '/metrics')).text;
  assert.equal(metricValue(text, 'agentload_sim_requests_total{method="agent.ping",code="200"}'), null);
});

test('errorRate 1 answers every request with errorStatus', async (t) => {
  const sim = await startTestSim(t, { errorRate: 1, errorStatus: 503 });
  const ping = await rpc(sim, 'agent.ping', {});
  assert.equal(ping.status, 503);
  assert.equal(ping.json.error.code, -32603);
  assert.equal((await get(sim, '/api/v1/health')).status, 503);
  assert.equal((await get(sim, '/metrics')).status, 200, '/metrics stays up so the runner can watch');
});

test('errorRate 0.5 produces a mix of 5xx and 200', async (t) => {
  const sim = await startTestSim(t, { errorRate: 0.5 });
  const statuses = await Promise.all(Array.from({ length: 60 }, () => rpc(sim, 'agent.ping', {}).then((a) => a.status)));
  const failures = statuses.filter((s) => s === 500).length;
  assert.ok(failures > 5 && failures < 55, `${failures} of 60 failed`);
  assert.equal(statuses.filter((s) => s !== 500 && s !== 200).length, 0);
});

test('resetRate 1 resets connections', async (t) => {
  const sim = await startTestSim(t, { resetRate: 1 });
  await assert.rejects(rpc(sim, 'agent.ping', {}));
});

test('fixed latency delays every response', async (t) => {
  const sim = await startTestSim(t, { latency: { fixedMs: 120 } });
  const started = performance.now();
  assert.equal((await rpc(sim, 'agent.ping', {})).status, 200);
  assert.ok(performance.now() - started >= 115);
});

test('degraded mode adds latency after degradeAfterMs', async (t) => {
  const sim = await startTestSim(t, { degradeAfterMs: 400, degradeLatencyMs: 200 });
  const timed = async (): Promise<number> => {
    const started = performance.now();
    await rpc(sim, 'agent.ping', {});
    return performance.now() - started;
  };
  await timed(); // warm up the connection and the JIT
  assert.equal(metricValue((await get(sim, '/metrics')).text, 'agentload_sim_degraded'), 0, 'not degraded before degradeAfterMs');
  await sleep(450);
  assert.ok((await timed()) >= 195, 'slow once degraded');
  const metrics = await get(sim, '/metrics');
  assert.equal(metricValue(metrics.text, 'agentload_sim_degraded'), 1);
});

test('the leak mode grows the resident memory that /metrics reports', async (t) => {
  const sim = await startTestSim(t, { leakMbPerMin: 1800 }); // 30 MB/s
  const rss = async (): Promise<number> => metricValue((await get(sim, '/metrics')).text, 'process_resident_memory_bytes')!;
  const before = await rss();
  await sleep(1500);
  const after = await rss();
  const leaked = metricValue((await get(sim, '/metrics')).text, 'agentload_sim_leaked_bytes')!;
  assert.ok(leaked >= 30 * 1_048_576, `leaked ${leaked}`);
  assert.ok(after - before >= 20 * 1_048_576, `rss grew by ${after - before}`);
});

test('Chaos is inactive with the defaults and scales latency once degraded', () => {
  const idle = new Chaos(resolveSimConfig({}, 'test'), 0);
  assert.equal(idle.isActive, false);
  assert.equal(idle.delayMs(1e9), 0);
  const c = new Chaos(resolveSimConfig({ latency: { minMs: 10, maxMs: 20 }, degradeAfterMs: 1000, degradeFactor: 3, degradeLatencyMs: 5 }, 'test'), 0);
  const before = c.delayMs(10);
  assert.ok(before >= 10 && before <= 20);
  const after = c.delayMs(2000);
  assert.ok(after >= 35 && after <= 65);
  assert.equal(c.latencyFactor(10), 1);
  assert.equal(c.latencyFactor(2000), 3);
  idle.close();
  c.close();
});
