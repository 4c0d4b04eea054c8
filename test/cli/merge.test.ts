import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { cli, tempDir } from './cli-fixture.ts';
import { readJson, runShards, startCountingTarget, writeOpenPlan } from './shard-fixture.ts';
import { decodeHistogram, latencySummary, newHistogram } from '../../src/engine/metrics/histogram.ts';

/** The latency summary of the shards' encoded histograms under `key`, added together. */
function addedLatency(files: readonly string[], key: string) {
  const h = newHistogram();
  for (const f of files) h.add(decodeHistogram(readJson(f).histograms[key]!));
  return latencySummary(h);
}

test('merging shards 1/3…3/3 sums the counts, adds the histograms exactly and re-evaluates the expectations', async (t) => {
  const srv = await startCountingTarget();
  const tmp = tempDir('merge');
  t.after(() => { tmp.cleanup(); return srv.close(); });
  // minCount 31 fails on every shard (about 10 each) and holds for the merged run.
  const plan = writeOpenPlan(tmp.dir, 'plan.yml', srv.url, { arrivals: 31, expect: ['minCount: 31', 'p99: 2s'] });
  const shards = await runShards(plan, 3, tmp.dir);
  for (const s of shards) assert.equal(s.run.code, 1, `each shard alone misses minCount: ${s.run.err}`);
  const files = shards.map((s) => s.file);
  const out = join(tmp.dir, 'merged.json');

  // Shard order on the command line does not matter.
  const r = await cli(['merge', files[2]!, files[0]!, files[1]!, '--output', out]);
  assert.equal(r.code, 0, r.out + r.err);
  const m = readJson(out);
  assert.equal(srv.requests.length, 31);
  assert.equal(m.summary.overall.count, 31);
  assert.equal(m.summary.overall.ok, files.reduce((n, f) => n + readJson(f).summary.overall.ok, 0));
  assert.equal(m.summary.byName.find((n) => n.name === 'x')!.count, 31);
  assert.deepEqual(m.summary.overall.latencyMs, addedLatency(files, ''));
  assert.deepEqual(m.summary.byName.find((n) => n.name === 'x')!.latencyMs, addedLatency(files, 'x'));
  assert.deepEqual(m.expectations.map((e) => [e.name, e.isPass]), [['minCount', true], ['p99', true]]);
  assert.equal(m.intervals.reduce((n, i) => n + i.overall.count, 0), 31, 'aligned intervals keep every request');
  assert.ok(m.intervals.length >= 2 && m.intervals.length <= 8, `aligned, not concatenated: ${m.intervals.length} intervals`);
  assert.equal(m.merged!.shards, 3);
  assert.equal(m.shard, undefined, 'a merged result is not a shard');
  assert.match(r.out, /^agentload merge: 3 shards of .*plan\.yml, expectations re-evaluated on the merged result$/m);
  assert.match(r.out, /^all requests\s+31\s/m);
  assert.match(r.out, /^PASS\s+minCount\s+31 /m);

  // `report` prints the same table from the merged file.
  const report = await cli(['report', out]);
  assert.equal(report.code, 0);
  const table = (text: string): string[] => text.split('\n').filter((l) => /^(x|all requests)\s/.test(l));
  assert.deepEqual(table(report.out), table(r.out));
});

test('merge exits 1 when the merged run breaks an expectation every shard held', async (t) => {
  const srv = await startCountingTarget();
  const tmp = tempDir('merge-fail');
  t.after(() => { tmp.cleanup(); return srv.close(); });
  const plan = writeOpenPlan(tmp.dir, 'plan.yml', srv.url, { arrivals: 12, path: '/fail', expect: ['maxErrors: 5'] });
  const shards = await runShards(plan, 3, tmp.dir);
  for (const s of shards) assert.equal(s.run.code, 0, '4 errors per shard are within maxErrors 5');
  const r = await cli(['merge', ...shards.map((s) => s.file)]);
  assert.equal(r.code, 1);
  assert.match(r.out, /^FAIL\s+maxErrors\s+12 \(limit <= 5\)/m);
});

test('merge refuses duplicated, missing, foreign and mismatched shards (exit 2, one line)', async (t) => {
  const srv = await startCountingTarget();
  const tmp = tempDir('merge-refuse');
  t.after(() => { tmp.cleanup(); return srv.close(); });
  const plan = writeOpenPlan(tmp.dir, 'plan.yml', srv.url, { arrivals: 3, duration: '300ms' });
  const other = writeOpenPlan(tmp.dir, 'other.yml', srv.url, { arrivals: 4, duration: '300ms' });
  const [s1, s2, s3] = (await runShards(plan, 3, tmp.dir)).map((s) => s.file) as [string, string, string];
  const otherShard = join(tmp.dir, 'other-2.json');
  await cli(['run', other, '--shard', '2/3', '--output', otherShard, '--no-console']);
  const halfShard = join(tmp.dir, 'half.json');
  await cli(['run', plan, '--shard', '2/2', '--output', halfShard, '--no-console']);
  const whole = join(tmp.dir, 'whole.json');
  await cli(['run', plan, '--output', whole, '--no-console']);

  const cases: Array<[string[], RegExp]> = [
    [[s1, s2, s2, s3], /shard 2\/3 is given twice \(.*shard-2-of-3\.json and .*shard-2-of-3\.json\)/],
    [[s1, s3], /missing shard 2\/3 \(got 2 of 3\)/],
    [[s1, otherShard, s3], /ran different plans \(digest \w+ vs \w+\)/],
    [[s1, halfShard], /is a shard of 3 but .*half\.json of 2/],
    [[s1, whole], /whole\.json: not a shard result/],
  ];
  for (const [files, message] of cases) {
    const r = await cli(['merge', ...files]);
    assert.equal(r.code, 2, `${files.join(' ')}: ${r.err}`);
    const [first, ...rest] = r.err.split('\n');
    assert.match(first!, /^AGENTLOAD_E_MERGE_INPUT /);
    assert.match(first!, message);
    assert.deepEqual(rest.filter((l) => !l.startsWith('hint: ')), []);
    assert.equal(r.out, '', 'nothing merged, nothing printed');
  }
  const none = await cli(['merge']);
  assert.equal(none.code, 2);
  assert.match(none.err, /^AGENTLOAD_E_USAGE agentload merge expects the shard result files/);
  const missingFile = await cli(['merge', join(tmp.dir, 'nope.json')]);
  assert.equal(missingFile.code, 2);
  assert.match(missingFile.err, /^AGENTLOAD_E_REPORT_INPUT .*nope\.json: no such file/);
});

test('merge adds up the shards\' step lateness (steps after a think judged, late ones, the worst)', async (t) => {
  const srv = await startCountingTarget();
  const tmp = tempDir('merge-steps');
  t.after(() => { tmp.cleanup(); return srv.close(); });
  const plan = join(tmp.dir, 'think.yml');
  writeFileSync(plan, `config:
  target: ${srv.url}
  interval: 250ms
  phases: [{ duration: 500ms, arrivalCount: 6 }]
scenarios:
  - name: s
    flow: [{ get: { url: /a } }, { think: 20ms }, { get: { url: /b } }]
`);
  const shards = await runShards(plan, 2, tmp.dir);
  for (const s of shards) assert.equal(s.run.code, 0, s.run.err);
  const parts = shards.map((s) => readJson(s.file).saturation);
  for (const p of parts) assert.equal(p.steps, 3, 'each shard judged its 3 users\' step after the think');
  const out = join(tmp.dir, 'merged.json');
  assert.equal((await cli(['merge', ...shards.map((s) => s.file), '--output', out])).code, 0);
  const merged = readJson(out).saturation;
  assert.equal(merged.steps, 6);
  assert.equal(merged.lateSteps, parts.reduce((n, p) => n + (p.lateSteps ?? 0), 0));
  assert.equal(merged.maxStepLateMs, Math.max(...parts.map((p) => p.maxStepLateMs ?? 0)));
});
