/**
 * Issue 16, item 4: failed WebSocket connections cannot pass connect
 * expectations. Against a real ws server on 127.0.0.1 that refuses every
 * upgrade with 403, `ws.connect.p95` FAILs with "no samples", the refused
 * connects are counted as failed connections (summary, JSON, ws.stability),
 * and the run exits 1. A ws scenario with no connect step connects to the
 * target at its start, as Artillery's ws engine does (issue 18); when nothing
 * listens there, the scenario is not silent: it fails and the run exits 3.
 * A threshold on zero samples FAILs for every kind, never passes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentload } from '../helpers/cli.ts';
import { startWsServer } from '../helpers/ws-server.ts';
import { compileExpectations } from '../../src/engine/expect/compile-expectations.ts';
import { evaluateExpectations } from '../../src/engine/expect/evaluate.ts';
import { HdrSink } from '../../src/engine/metrics/hdr-sink.ts';
import { scratchDir } from '../helpers/scratch-dir.ts';

function writePlan(dir: string, lines: string[]): string {
  const file = join(dir, 'ws.yml');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

test('every upgrade refused with 403: ws.connect.p95 FAILs with no samples, failed connections are counted, exit 1', async (t) => {
  const srv = await startWsServer();
  t.after(() => srv.close());
  const dir = scratchDir('agentload-ws403-');
  const out = join(dir, 'run.json');
  const file = writePlan(dir, [
    'config:',
    `  target: ${srv.url}`,
    '  phases: [{ duration: 1s, arrivalCount: 4 }]',
    '  expect:',
    '    ws.connect.p95: 1s',
    '    ws.stability: ">= 50%"',
    'scenarios:',
    '  - name: refused',
    '    engine: ws',
    '    flow:',
    '      - connect: /ws/refuse/403',
    '      - send: hello',
  ]);
  const r = await agentload(['run', file, '--output', out]);
  assert.equal(r.code, 1, r.out + r.err);
  const result = JSON.parse(readFileSync(out, 'utf8'));
  const by = Object.fromEntries(result.expectations.map((e: { name: string }) => [e.name, e]));
  assert.equal(by['ws.connect.p95'].isPass, false);
  assert.equal(by['ws.connect.p95'].reason, 'no samples');
  assert.equal(by['ws.stability'].isPass, false);
  assert.equal(by['ws.stability'].measured, '0%', 'refused connects count against stability');
  assert.equal(result.summary.counters.ws_connections_failed, 4);
  assert.equal(result.summary.counters['ws_errors:http_403'], 4);
  assert.match(r.out, /ws connections: opened 0 · failed 4/);
  assert.match(r.out, /FAIL {2}ws\.connect\.p95 .*no samples/);
});

test('a ws scenario with no connect step connects to the target; with nothing listening there, the run exits 3', async () => {
  // A port that was just closed: connections to it are refused.
  const gone = await startWsServer();
  const target = gone.url;
  await gone.close();
  const dir = scratchDir('agentload-wsnoconn-');
  const file = writePlan(dir, [
    'config:',
    `  target: ${target}`,
    '  phases: [{ duration: 1s, arrivalCount: 3 }]',
    'scenarios:',
    '  - name: forgot-connect',
    '    engine: ws',
    '    flow:',
    '      - send: hello',
    '      - waitFor: { timeout: 1s }',
  ]);
  const r = await agentload(['run', file]);
  assert.equal(r.code, 3, r.out + r.err);
  assert.match(r.err, /AGENTLOAD_E_TARGET_UNREACHABLE .*econnrefused \(ws_connecting\)/);
  // The connect added at the scenario's start ends the user's scenario when it fails, as Artillery's ws engine does (17e00d4).
  assert.doesNotMatch(r.out, /not_connected/, 'the steps after the failed connect are not run');
  assert.match(r.out, /vusers_failed 3/);
});

test('every threshold on a name with zero requests FAILs "no samples"; minCount shows the 0', () => {
  const sink = new HdrSink();
  sink.handle('health'); // interned at compile time, never requested
  const other = sink.handle('other');
  sink.recordLatency(other, 5000);
  sink.ok(other);
  sink.snapshot(0, 1000, null);
  const list = compileExpectations({
    byName: { health: { p95: '1s', maxErrorRate: '1%', maxRps: 100, minRps: 0, maxErrors: 0, max5xx: 0, outcomes: { rate_limited: 0 }, minCount: 1 } },
  }, () => undefined);
  const results = evaluateExpectations(list, sink.summary(1000));
  for (const r of results) {
    assert.equal(r.isPass, false, `${r.name} passed on zero requests`);
    if (r.name === 'health: minCount') assert.equal(r.measured, '0');
    else assert.equal(r.reason, 'no samples', r.name);
  }
});
