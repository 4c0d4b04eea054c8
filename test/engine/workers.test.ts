import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHttpServer, okJson } from '../helpers/servers.ts';
import { loadPlan } from '../../src/engine/plan/load-plan.ts';
import { compilePlan } from '../../src/engine/compile/compile-plan.ts';
import { HdrSink } from '../../src/engine/metrics/hdr-sink.ts';
import { runWithWorkers, mergeWindows } from '../../src/engine/run/run-workers.ts';
import { owns, shareOf, parseShard, nestSegment } from '../../src/engine/scheduler/segment.ts';
import { builtinEngines } from '../../src/engines/index.ts';
import { scratchDir } from '../helpers/scratch-dir.ts';

const BOOT = new URL('../../src/cli/worker-boot.mjs', import.meta.url);
const ENTRY = new URL('../../src/cli/worker-entry.ts', import.meta.url).href;

function planFile(yaml: string): string {
  const file = join(scratchDir('agentload-workers-'), 'plan.yml');
  writeFileSync(file, yaml);
  return file;
}

async function runWorkers(file: string, target: string, count: number) {
  const sink = new HdrSink();
  const plan = { ...compilePlan(loadPlan(file, {}), { engines: builtinEngines(), sink }), target };
  return runWithWorkers(plan, { sink, reporters: [], log: () => {} }, BOOT, { planFile: file, overrides: {}, scenarios: [], target, entryUrl: ENTRY }, count);
}

test('segments stripe arrivals exactly and share counts fairly', () => {
  const segs = [0, 1, 2].map((index) => ({ index, count: 3 }));
  for (let k = 0; k < 30; k++) assert.equal(segs.filter((s) => owns(s, k)).length, 1);
  assert.deepEqual(segs.map((s) => shareOf(s, 10)), [4, 3, 3]);
  assert.deepEqual(parseShard('2/4'), { index: 1, count: 4 });
  assert.equal(parseShard('5/4'), null);
  assert.deepEqual(nestSegment({ index: 1, count: 2 }, { index: 1, count: 3 }), { index: 3, count: 6 });
  // A shard's slice does not depend on its worker count: shard 2/3 with 1, 2 or 4 workers owns the same arrivals and users.
  const shard = { index: 1, count: 3 };
  const slice = (m: number): number[] => Array.from({ length: 60 }, (_, k) => k).filter((k) => Array.from({ length: m }, (_, j) => nestSegment(shard, { index: j, count: m })).some((s) => owns(s, k)));
  assert.deepEqual(slice(2), slice(1));
  assert.deepEqual(slice(4), slice(1));
  for (const m of [2, 4]) assert.equal(Array.from({ length: m }, (_, j) => shareOf(nestSegment(shard, { index: j, count: m }), 31)).reduce((a, b) => a + b), shareOf(shard, 31));
});

test('2 workers send exactly the planned arrivals, merged into one summary', async (t) => {
  const srv = await startHttpServer(okJson);
  t.after(() => srv.close());
  const file = planFile(`config:
  target: http://127.0.0.1:1
  interval: 1s
  phases: [{ arrivalRate: 200, duration: 3 }]
scenarios:
  - name: s
    flow: [{ get: { url: /w, name: w } }]
`);
  const r = await runWorkers(file, srv.url, 2);
  assert.equal(srv.requests.length, 600);
  assert.equal(r.summary.overall.count, 600);
  assert.equal(r.summary.byName.find((n) => n.name === 'w')!.ok, 600);
  assert.equal(r.intervals.reduce((n, i) => n + i.overall.count, 0), 600, 'intervals add up to the total');
  assert.ok(r.intervals.length >= 3);
});

test('closed model across 2 workers keeps the planned users in flight', async (t) => {
  const srv = await startHttpServer((req, res) => { setTimeout(() => okJson(req, res, ''), 40); });
  t.after(() => srv.close());
  const file = planFile(`config:
  target: http://127.0.0.1:1
  interval: 1s
  phases: [{ users: 9, spawnRate: 90, duration: 2 }]
scenarios:
  - name: s
    flow: [{ get: { url: /c } }]
`);
  const r = await runWorkers(file, srv.url, 2);
  assert.equal(srv.inFlight.max, 9);
  assert.equal(r.summary.counters.vusers_created, 9);
});

test('merging windows sums counters and gauges, lag takes the worst', () => {
  const m = mergeWindows([
    { names: [], counters: { a: 1 }, gauges: { vusers_active: 3, event_loop_lag_ms: 5 } },
    { names: [], counters: { a: 2 }, gauges: { vusers_active: 4, event_loop_lag_ms: 9 } },
  ]);
  assert.deepEqual(m.counters, { a: 3 });
  assert.deepEqual(m.gauges, { vusers_active: 7, event_loop_lag_ms: 9 });
});

test('with workers, config.warmup is cut from the summary but kept in the intervals', async (t) => {
  const srv = await startHttpServer(okJson, { record: false });
  t.after(() => srv.close());
  const file = planFile(`config:
  target: http://127.0.0.1:1
  interval: 1s
  warmup: 1s
  phases: [{ arrivalRate: 200, duration: 3 }]
scenarios:
  - name: s
    flow: [{ get: { url: /w } }]
`);
  const r = await runWorkers(file, srv.url, 2);
  assert.equal(r.intervals.reduce((n, i) => n + i.overall.count, 0), 600);
  assert.ok(Math.abs(r.summary.overall.count - 400) <= 20, `summary after warm-up: ${r.summary.overall.count}`);
});
