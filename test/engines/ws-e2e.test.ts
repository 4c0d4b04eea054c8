import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { loadPlan } from '../../src/engine/plan/load-plan.ts';
import { agentload, ROOT } from '../helpers/cli.ts';

const CONFIG = join(ROOT, 'configs/websocket.yml');

test('configs/websocket.yml loads in both profiles with the seed thresholds', () => {
  const quick = loadPlan(CONFIG);
  assert.equal(quick.environment, 'quick');
  assert.equal(quick.config.expect!['ws.peakConnections'], '>= 1000');
  assert.equal(quick.config.expect!['ws.stability'], '> 99%');
  const full = loadPlan(CONFIG, { env: 'full' });
  assert.equal(full.config.expect!['ws.peakConnections'], '>= 10000');
  assert.deepEqual((full.config.variables as Record<string, unknown>).holdFor, '5m');
});

test('bin/agentload runs the websocket plan (its flows, shrunk to 220 users and 4 s holds) against the bundled sim', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'agentload-ws-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // Same scenarios and base thresholds as the file; only the quick profile's size and length change.
  const doc = parseDocument(readFileSync(CONFIG, 'utf8'));
  doc.setIn(['config', 'environments', 'quick'], doc.createNode({
    variables: { holdFor: '4s' },
    grace: '1s',
    phases: [{ name: 'ramp', duration: '2s', arrivalCount: 220 }, { name: 'hold', pause: '5s' }],
    expect: { 'ws.peakConnections': '>= 200' },
  }));
  const plan = join(dir, 'websocket.yml');
  writeFileSync(plan, doc.toString());
  const output = join(dir, 'run.json');
  const r = await agentload(['run', plan, '--output', output]);
  const res = JSON.parse(readFileSync(output, 'utf8'));
  const failed = (res.expectations as Array<{ name: string; isPass: boolean }>).filter((e) => !e.isPass).map((e) => e.name);
  if (res.saturation.isSaturated && r.code === 1) {
    t.diagnostic(`generator saturated: ${res.saturation.message}; latency FAILs tolerated: ${failed.join(', ')}`);
    assert.deepEqual(failed.filter((n) => !/\.p\d+$/.test(n)), []);
  } else assert.equal(r.code, 0, `${r.out}\n${r.err}`);
  const c = res.summary.counters as Record<string, number>;
  assert.ok(res.summary.gaugePeaks.ws_connections >= 200);
  assert.equal(c.ws_unexpected_closes ?? 0, 0);
  const names = new Map((res.summary.byName as Array<{ name: string; count: number; ok: number }>).map((n) => [n.name, n]));
  assert.ok(names.get('ws_connecting')!.count > 220, 'short-lived users reconnect');
  assert.ok(names.get('ws_ping')!.ok > 0, 'pings and keep-alives were answered by the sim');
  assert.ok(names.get('ws_hold')!.ok > 0);
  assert.match(r.out, /PASS\s+ws\.stability/);
});
