import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileExpectations } from '../../src/engine/expect/compile-expectations.ts';
import { evaluateExpectations } from '../../src/engine/expect/evaluate.ts';
import { HdrSink } from '../../src/engine/metrics/hdr-sink.ts';

const locate = (p: string) => ({ file: 'ws.yml', line: p.length, col: 1 });

/** A summary as a ws run leaves it: 100 opened, 2 dropped, 1 abandoned, 97 completed, peak 100. */
function wsSummary(): ReturnType<HdrSink['summary']> {
  const sink = new HdrSink();
  const connect = sink.handle('ws_connecting');
  for (let i = 1; i <= 100; i++) { sink.recordLatency(connect, i * 1000); sink.ok(connect); sink.gaugeAdd('ws_connections', 1); }
  sink.failed(connect, 'http_401');
  sink.add('ws_connections_opened', 100);
  sink.add('ws_connections_completed', 97);
  sink.add('ws_unexpected_closes', 2);
  sink.add('ws_connections_abandoned', 1);
  sink.add('ws_errors:unexpected_close', 2);
  sink.add('ws_errors:http_401', 1);
  sink.snapshot(0, 10_000, null);
  return sink.summary(10_000);
}

test('ws thresholds nested and dotted compile to the same checks, with the right default comparators', () => {
  const nested = compileExpectations({ ws: { peakConnections: 10000, stability: '99%', unexpectedCloses: 5, connect: { p95: '200ms' }, errors: { emfile: 0 } } }, locate);
  const dotted = compileExpectations({ 'ws.peakConnections': 10000, 'ws.stability': '99%', 'ws.unexpectedCloses': 5, 'ws.connect.p95': '200ms', 'ws.errors.emfile': 0 }, locate);
  const shape = (list: typeof nested) => list.map((e) => [e.label, e.scope, e.metric, e.comparator, e.limit, e.unit]);
  assert.deepEqual(shape(nested), shape(dotted));
  assert.deepEqual(shape(nested), [
    ['ws.peakConnections', null, 'peak:ws_connections', '>=', 10000, 'count'],
    ['ws.stability', null, 'ws_stability', '>=', 0.99, 'ratio'],
    ['ws.unexpectedCloses', null, 'counter:ws_unexpected_closes', '<=', 5, 'count'],
    ['ws.connect.p95', 'ws_connecting', 'p95', '<=', 200, 'ms'],
    ['ws.errors.emfile', null, 'counter:ws_errors:emfile', '<=', 0, 'count'],
  ]);
  assert.equal(dotted[3]!.yamlPath, 'config.expect.ws.connect.p95');
  assert.equal(nested[3]!.yamlPath, 'config.expect.ws.connect.p95');
});

test('an explicit comparator wins; `ws.connect: {…}` takes any per-name threshold', () => {
  const e = compileExpectations({ 'ws.stability': '> 99.5%', 'ws.connect': { maxErrorRate: '1%', p99: 1 }, ws: { ping: { p50: '10ms' }, message: { max: '1s' } } }, locate);
  assert.deepEqual(e.map((x) => [x.label, x.scope, x.comparator, x.limit]), [
    ['ws.stability', null, '>', 0.995],
    ['ws.connect.maxErrorRate', 'ws_connecting', '<=', 0.01],
    ['ws.connect.p99', 'ws_connecting', '<=', 1],
    ['ws.ping.p50', 'ws_ping', '<=', 10],
    ['ws.message.max', 'ws_message', '<=', 1000],
  ]);
});

test('unknown ws keys and unreadable limits are located plan errors', () => {
  const isExpectError = (path: string) => (e: any) => e.code === 'AGENTLOAD_E_PLAN_EXPECT' && e.yamlPath === path && e.location.file === 'ws.yml';
  assert.throws(() => compileExpectations({ ws: { peak: 10 } }, locate), isExpectError('config.expect.ws.peak'));
  assert.throws(() => compileExpectations({ 'ws.stabilty': '99%' }, locate), isExpectError('config.expect.ws.stabilty'));
  assert.throws(() => compileExpectations({ ws: { stability: 'most' } }, locate), isExpectError('config.expect.ws.stability'));
  assert.throws(() => compileExpectations({ ws: { connect: { p96: '1s' } } }, locate), isExpectError('config.expect.ws.connect.p96'));
  assert.throws(() => compileExpectations({ ws: 5 }, locate), isExpectError('config.expect.ws'));
});

test('evaluation: stability leaves abandoned connections out; peaks, counters and connect latency are read', () => {
  const res = evaluateExpectations(compileExpectations({
    ws: { peakConnections: '>= 100', stability: '>= 98%', unexpectedCloses: 1, connect: { p95: '96ms', maxErrors: 0 }, errors: { http_401: 1, emfile: 0 } },
  }, locate), wsSummary());
  const by = Object.fromEntries(res.map((r) => [r.name, r]));
  assert.equal(by['ws.peakConnections']!.isPass, true);
  assert.equal(by['ws.stability']!.measured, '97.9798%', '97 / (100 − 1)');
  assert.equal(by['ws.stability']!.isPass, false);
  assert.equal(by['ws.unexpectedCloses']!.isPass, false);
  assert.equal(by['ws.connect.p95']!.isPass, true, by['ws.connect.p95']!.measured);
  assert.equal(by['ws.connect.maxErrors']!.isPass, false);
  assert.equal(by['ws.errors.http_401']!.isPass, true);
  assert.equal(by['ws.errors.emfile']!.isPass, true);
});

test('stability with no connection opened FAILs as "no samples", never passes', () => {
  const sink = new HdrSink();
  sink.snapshot(0, 1000, null);
  const [r] = evaluateExpectations(compileExpectations({ 'ws.stability': '>= 99%' }, locate), sink.summary(1000));
  assert.equal(r!.isPass, false);
  assert.equal(r!.reason, 'no samples');
});
