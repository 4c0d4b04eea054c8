import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileExpectations } from '../../src/engine/expect/compile-expectations.ts';
import { evaluateExpectations } from '../../src/engine/expect/evaluate.ts';
import { HdrSink } from '../../src/engine/metrics/hdr-sink.ts';

function summaryWith(): ReturnType<HdrSink['summary']> {
  const sink = new HdrSink();
  const a = sink.handle('health');
  const b = sink.handle('ping');
  for (let i = 1; i <= 100; i++) { sink.recordLatency(a, i * 1000); sink.ok(a); sink.status(a, 200); }
  for (let i = 0; i < 10; i++) { sink.recordLatency(b, 5000); sink.failed(b, 'http_503'); sink.status(b, 503); }
  for (let i = 0; i < 4; i++) { sink.recordLatency(b, 1000); sink.expected(b, 'rate_limited'); sink.status(b, 429); }
  sink.add('arrivals_dropped', 2);
  sink.snapshot(0, 10_000, null);
  return sink.summary(10_000);
}

const locate = (p: string) => ({ file: 'p.yml', line: p.length, col: 1 });

test('thresholds PASS and FAIL with measured vs limit', () => {
  const exp = compileExpectations({
    p95: '200ms', maxErrorRate: '1%', minRps: 5, max5xx: 0, outcomes: { rate_limited: '> 0' },
    counters: { arrivals_dropped: 0 }, byName: { health: { p95: '96ms', p50: 100 } },
  }, locate);
  const res = evaluateExpectations(exp, summaryWith());
  const by = Object.fromEntries(res.map((r) => [r.name, r]));
  assert.equal(by.p95!.isPass, true);
  assert.equal(by.maxErrorRate!.isPass, false, 'errors 10/114 > 1%');
  assert.equal(by.minRps!.isPass, true);
  assert.equal(by.max5xx!.isPass, false);
  assert.equal(by.max5xx!.measured, '10');
  assert.equal(by['outcome rate_limited']!.isPass, true);
  assert.equal(by['counter arrivals_dropped']!.isPass, false);
  assert.equal(by['health: p95']!.isPass, true, by['health: p95']!.measured);
  assert.equal(by['health: p50']!.isPass, true);
});

test('a measured value just under its limit does not print as the limit, and a limit prints as written', () => {
  // 114 requests in 10 s: 11.4/s.
  const res = evaluateExpectations(compileExpectations({ minRps: 11.42, maxRps: 11.4, maxErrorRate: '8.7719%' }, locate), summaryWith());
  const by = Object.fromEntries(res.map((r) => [r.name, r]));
  assert.equal(by.minRps!.isPass, false);
  assert.equal(by.minRps!.limit, '>= 11.42/s');
  assert.equal(by.minRps!.measured, '11.4/s');
  assert.equal(by.maxRps!.isPass, true, 'exactly at the limit');
  assert.equal(by.maxRps!.measured, '11.4/s');
  // 10 failed of 114: 8.77193 %, just over 8.7719 %.
  assert.equal(by.maxErrorRate!.isPass, false);
  assert.equal(by.maxErrorRate!.limit, '<= 8.7719%');
  assert.notEqual(by.maxErrorRate!.measured, '8.7719%');
  assert.match(by.maxErrorRate!.measured, /^8\.7719\d+%$/);
});

test('a threshold on a name that never ran FAILs with "no samples"', () => {
  const res = evaluateExpectations(compileExpectations({ byName: { nothere: { p95: '1s' } } }, locate), summaryWith());
  assert.equal(res[0]!.isPass, false);
  assert.equal(res[0]!.reason, 'no samples');
});

test('unknown keys and unreadable limits are located plan errors', () => {
  assert.throws(() => compileExpectations({ p96: '1s' }, locate), (e: any) => e.code === 'AGENTLOAD_E_PLAN_EXPECT' && e.yamlPath === 'config.expect.p96');
  assert.throws(() => compileExpectations({ maxErrorRate: 'lots' }, locate), (e: any) => e.code === 'AGENTLOAD_E_PLAN_EXPECT' && e.location.file === 'p.yml');
});

test('a latency threshold with no latency sample (every connection refused) FAILs, it does not PASS at 0 ms', () => {
  const sink = new HdrSink();
  const h = sink.handle('x');
  for (let i = 0; i < 3; i++) sink.failed(h, 'econnrefused');
  sink.snapshot(0, 1000, null);
  const [p95] = evaluateExpectations(compileExpectations({ p95: '50ms' }, locate), sink.summary(1000));
  assert.equal(p95!.isPass, false);
  assert.equal(p95!.reason, 'no samples');
});
