import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tempDir } from './cli-fixture.ts';
import { readJson, runShards, startCountingTarget, writeOpenPlan } from './shard-fixture.ts';
import { ROOT } from '../helpers/cli.ts';

test('shards 1/3, 2/3 and 3/3 start exactly the arrivals of one run, striped 11/10/10', async (t) => {
  const srv = await startCountingTarget();
  const tmp = tempDir('shard');
  t.after(() => { tmp.cleanup(); return srv.close(); });
  const plan = writeOpenPlan(tmp.dir, 'plan.yml', srv.url, { arrivals: 31 });

  const whole = join(tmp.dir, 'whole.json');
  assert.equal((await cli(['run', plan, '--output', whole, '--no-console'])).code, 0);
  const single = readJson(whole).summary.overall.count;
  assert.equal(single, 31);
  assert.equal(srv.requests.length, 31);
  assert.equal(readJson(whole).shard, undefined, 'an unsharded result has no shard record');

  const shards = await runShards(plan, 3, tmp.dir);
  for (const s of shards) assert.equal(s.run.code, 0, s.run.err);
  const counts = shards.map((s) => readJson(s.file).summary.overall.count);
  assert.deepEqual(counts, [11, 10, 10]);
  assert.equal(counts.reduce((a, b) => a + b, 0), single);
  assert.equal(srv.requests.length, 2 * single, 'the target saw exactly one run more');
  const record = readJson(shards[1]!.file).shard!;
  assert.equal(record.index, 2);
  assert.equal(record.count, 3);
  assert.equal(record.workers, 1);
  assert.equal(record.planDigest, readJson(shards[0]!.file).shard!.planDigest);
});

test('closed-model users split across shards as across workers (3 + 2 of 5)', async (t) => {
  const srv = await startCountingTarget();
  const tmp = tempDir('shard-users');
  t.after(() => { tmp.cleanup(); return srv.close(); });
  const plan = join(tmp.dir, 'users.yml');
  writeFileSync(plan, `config:
  target: ${srv.url}
  interval: 250ms
  phases: [{ users: 5, spawnRate: 50, duration: 600ms }]
scenarios:
  - name: s
    flow: [{ get: { url: /u } }, { think: 50ms }]
`);
  const shards = await runShards(plan, 2, tmp.dir);
  const created = shards.map((s) => readJson(s.file).summary.counters.vusers_created);
  assert.deepEqual(created, [3, 2]);
});

test('--shard composes with --workers, whatever each shard\'s worker count: 2 + 1 workers send the plan once', async (t) => {
  const srv = await startCountingTarget();
  const tmp = tempDir('shard-workers');
  t.after(() => { tmp.cleanup(); return srv.close(); });
  const plan = writeOpenPlan(tmp.dir, 'plan.yml', srv.url, { arrivals: 21 });
  const files = [1, 2].map((i) => join(tmp.dir, `s${i}.json`));
  const runs = await Promise.all(files.map((f, i) => cli(['run', plan, '--shard', `${i + 1}/2`, '--workers', String(2 - i), '--output', f, '--no-console'])));
  for (const r of runs) assert.equal(r.code, 0, r.err);
  assert.equal(srv.requests.length, 21);
  assert.deepEqual(files.map((f) => readJson(f).summary.overall.count), [11, 10]);
  assert.equal(readJson(files[0]!).shard!.workers, 2);
  const merged = await cli(['merge', ...files]);
  assert.equal(merged.code, 0, merged.err);
  assert.match(merged.out, /all requests\s+21\s/);
});

test('--start-at holds the first request until the instant and says how long it waits', async (t) => {
  const srv = await startCountingTarget();
  const tmp = tempDir('start-at');
  t.after(() => { tmp.cleanup(); return srv.close(); });
  const plan = writeOpenPlan(tmp.dir, 'plan.yml', srv.url, { arrivals: 5, duration: '200ms' });
  const atMs = Date.now() + 1500;
  const out = join(tmp.dir, 'r.json');
  const r = await cli(['run', plan, '--shard', '1/1', '--start-at', new Date(atMs).toISOString(), '--output', out, '--no-console']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, /waiting \d+\.\ds until .* \(--start-at\)/);
  assert.equal(srv.wallMs.length, 5);
  assert.ok(srv.wallMs[0]! >= atMs, `first request ${srv.wallMs[0]! - atMs} ms after the instant`);
  assert.equal(readJson(out).shard!.startAt, new Date(atMs).toISOString());
});

test('Ctrl-C while waiting for --start-at exits 3 at once, sends nothing and writes no result', async (t) => {
  const srv = await startCountingTarget();
  const tmp = tempDir('start-at-int');
  t.after(() => { tmp.cleanup(); return srv.close(); });
  const plan = writeOpenPlan(tmp.dir, 'plan.yml', srv.url, { arrivals: 5 });
  const out = join(tmp.dir, 'r.json');
  const at = new Date(Date.now() + 120_000).toISOString();
  const child = spawn(process.execPath, [join(ROOT, 'bin/agentload'), 'run', plan, '--shard', '1/2', '--start-at', at, '--output', out], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  child.stdout.resume();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  const begun = Date.now();
  while (!err.includes('(--start-at)') && Date.now() - begun < 20_000) await new Promise((r) => setTimeout(r, 50));
  assert.match(err, /waiting .* \(--start-at\)/);
  const interruptedAt = Date.now();
  child.kill('SIGINT');
  assert.equal(await exited, 3);
  assert.ok(Date.now() - interruptedAt < 60_000, 'stops well before the --start-at, 120 s away');
  assert.match(err, /AGENTLOAD_E_ABORTED interrupted while waiting for --start-at .*no request was sent and no result was written/);
  assert.equal(existsSync(out), false);
  assert.equal(srv.requests.length, 0);
});

test('malformed --shard and --start-at are one-line usage errors (exit 2) naming the flag', async (t) => {
  const tmp = tempDir('shard-flags');
  t.after(() => tmp.cleanup());
  const plan = writeOpenPlan(tmp.dir, 'plan.yml', 'http://127.0.0.1:1', { arrivals: 1 });
  const yesterday = new Date(Date.now() - 86_400_000).toISOString();
  const cases: Array<[string[], RegExp]> = [
    [['--shard', '0/3'], /--shard expects i\/N with 1 <= i <= N .*got "0\/3"/],
    [['--shard', '4/3'], /--shard expects i\/N .*got "4\/3"/],
    [['--shard', 'two'], /--shard expects i\/N .*got "two"/],
    [['--start-at', 'soon'], /--start-at expects an ISO 8601 time .*got "soon"/],
    [['--start-at', yesterday], /--start-at .* is 24\.0h|--start-at .* in the past; pass a time ahead of now/],
    [['--start-at', String(Math.floor(Date.now() / 1000))], /looks like unix seconds/],
    [['--start-at', new Date(Date.now() + 60_000).toISOString(), '--repeat', '2'], /--start-at names one instant, so it applies to one run; this command makes 2/],
  ];
  for (const [flags, message] of cases) {
    const r = await cli(['run', plan, ...flags]);
    assert.equal(r.code, 2, `${flags.join(' ')}: ${r.err}`);
    const lines = r.err.split('\n');
    assert.match(lines[0]!, /^AGENTLOAD_E_USAGE /, flags.join(' '));
    assert.match(lines[0]!, message);
    assert.deepEqual(lines.slice(1).filter((l) => !l.startsWith('hint: ')), [], 'one line, plus the hint');
  }
});
