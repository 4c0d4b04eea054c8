import { test } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { cli, tempDir } from './cli-fixture.ts';
import { readJson, startCountingTarget, writeOpenPlan } from './shard-fixture.ts';
import { workersToRun } from '../../src/cli/worker-cap.ts';

test('workersToRun caps the asked count at the cores, unless oversubscribing', () => {
  assert.deepEqual(workersToRun(2, false, 4), { count: 2, note: null });
  assert.deepEqual(workersToRun(4, false, 4), { count: 4, note: null });
  const capped = workersToRun(2, false, 1);
  assert.equal(capped.count, 1);
  assert.match(capped.note!, /--workers 2 but this process may run on 1 core: running 1 worker .*--oversubscribe runs 2 anyway/);
  assert.deepEqual(workersToRun(3, true, 1), { count: 3, note: null });
});

test('run --workers beyond the cores runs one per core and says so; --oversubscribe runs them all', async (t) => {
  const srv = await startCountingTarget();
  const tmp = tempDir('worker-cap');
  t.after(() => { tmp.cleanup(); return srv.close(); });
  const cores = availableParallelism();
  const plan = writeOpenPlan(tmp.dir, 'plan.yml', srv.url, { arrivals: 12 });
  const capped = join(tmp.dir, 'capped.json');
  const r = await cli(['run', plan, '--workers', String(cores + 1), '--shard', '1/1', '--output', capped, '--no-console']);
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, new RegExp(`--workers ${cores + 1} but this process may run on ${cores} cores?: running ${cores} worker`));
  assert.equal(readJson(capped).shard!.workers, cores, 'the result records the workers that ran');
  assert.equal(srv.requests.length, 12);

  const forced = join(tmp.dir, 'forced.json');
  const f = await cli(['run', plan, '--workers', String(cores + 1), '--oversubscribe', '--shard', '1/1', '--output', forced, '--no-console']);
  assert.equal(f.code, 0, f.err);
  assert.doesNotMatch(f.err, /may run on/);
  assert.equal(readJson(forced).shard!.workers, cores + 1);
  assert.equal(readJson(forced).summary.overall.count, 12);
  assert.equal(srv.requests.length, 24);
});
