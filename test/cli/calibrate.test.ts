/**
 * `agentload calibrate` against the GET target it starts on 127.0.0.1: it
 * writes a calibration under $XDG_CACHE_HOME that `validate --estimate` then
 * reads without being told where. No figure is asserted (the machine is
 * shared): only that a stored rate is one the generator ran healthy, or that
 * a machine too busy to find one says so and writes nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readCalibration } from '../../src/cli/calibration-file.ts';
import { cli, tempDir } from './cli-fixture.ts';
import { writeOpenPlan } from './shard-fixture.ts';

test('calibrate stores a healthy rate under XDG_CACHE_HOME, and validate --estimate sizes against it', async (t) => {
  const tmp = tempDir('calibrate');
  const saved = process.env.XDG_CACHE_HOME;
  process.env.XDG_CACHE_HOME = join(tmp.dir, 'cache');
  t.after(() => {
    if (saved === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = saved;
    tmp.cleanup();
  });
  const file = join(tmp.dir, 'cache', 'agentload', 'calibration.json');
  const r = await cli(['calibrate', '--seconds', '1']);
  const healthy = [...r.err.matchAll(/open model at (\d+)\/s: .*: healthy$/gm)].map((m) => Number(m[1]));
  if (r.code === 3) {
    assert.equal(healthy.length, 0, r.err);
    assert.match(r.err, /too busy to calibrate now \(nothing written\)/);
    assert.equal(existsSync(file), false);
    return;
  }
  assert.equal(r.code, 0, r.err);
  const c = readCalibration(file)!;
  assert.ok(c !== null, `wrote ${file}`);
  assert.equal(c.arrivalsPerSecPerCore, Math.max(...healthy), 'the stored rate is the highest that ran healthy');
  assert.ok(c.cores >= 1 && c.cpuSecPer100k > 0);
  const plan = writeOpenPlan(tmp.dir, 'p.yml', 'http://127.0.0.1:1', { arrivals: 5 });
  const v = await cli(['validate', '--estimate', plan]);
  assert.equal(v.code, 0, v.err);
  assert.match(v.out, new RegExp(`this machine: ${c.arrivalsPerSecPerCore.toLocaleString('en-US')} arrivals/s per core`));
  assert.match(v.out, /needs 1 worker\(s\)/);
});

test('calibrate takes no plan and bounds --seconds (exit 2)', async () => {
  assert.equal((await cli(['calibrate', 'plan.yml'])).code, 2);
  assert.equal((await cli(['calibrate', '--seconds', '0'])).code, 2);
});
