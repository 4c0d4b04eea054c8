import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileExpectations } from '../../src/engine/expect/compile-expectations.ts';
import { evaluateExpectations } from '../../src/engine/expect/evaluate.ts';
import { HdrSink } from '../../src/engine/metrics/hdr-sink.ts';

const locate = (p: string) => ({ file: 'p.yml', line: p.length, col: 1 });

function summary(): ReturnType<HdrSink['summary']> {
  const sink = new HdrSink();
  const echo = sink.handle('echo', { class: 'light' });
  const calc = sink.handle('calc', { class: 'light' });
  const search = sink.handle('search', { class: 'medium' });
  for (let i = 0; i < 100; i++) { sink.recordLatency(echo, 10_000); sink.ok(echo); }
  for (let i = 0; i < 100; i++) { sink.recordLatency(calc, 50_000); sink.ok(calc); }
  for (let i = 0; i < 10; i++) { sink.recordLatency(search, 700_000); sink.failed(search, 'rpc_-32000'); }
  sink.snapshot(0, 10_000, null);
  return sink.summary(10_000);
}

test('byTag thresholds select names by tag: latency is the worst of them, counts are summed', () => {
  const exp = compileExpectations({
    byTag: { 'class=light': { p95: '40ms', minCount: 200 }, 'class = medium': { p95: '1s', maxErrorRate: '1%' }, 'class=heavy': { p95: '1s' } },
  }, locate);
  const by = Object.fromEntries(evaluateExpectations(exp, summary()).map((r) => [r.name, r]));
  assert.equal(by['class=light: p95']!.isPass, false, 'calc p95 50ms is over 40ms');
  assert.equal(by['class=light: minCount']!.measured, '200');
  assert.equal(by['class=medium: p95']!.isPass, true);
  assert.equal(by['class=medium: maxErrorRate']!.isPass, false);
  assert.equal(by['class=heavy: p95']!.reason, 'no samples');
});

test('a byTag selector without "=" is a located plan error', () => {
  assert.throws(() => compileExpectations({ byTag: { light: { p95: '1s' } } }, locate),
    (e: any) => e.code === 'AGENTLOAD_E_PLAN_EXPECT' && e.yamlPath === 'config.expect.byTag.light');
});
