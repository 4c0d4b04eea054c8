import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, startTarget, tempDir, writePlan } from './cli-fixture.ts';

test('validate counts every expectation line the run will print, time-series checks included', async (t) => {
  const server = await startTarget();
  const tmp = tempDir('vcount');
  t.after(async () => { await server.close(); tmp.cleanup(); });
  const plan = writePlan(tmp.dir, 'series.yml', server.url, '/ok', [
    '    p95: 1s',
    '    degradation: { maxP95Increase: 50%, maxRpsDrop: 50%, window: 250ms }',
  ]);
  const v = await cli(['validate', plan]);
  assert.equal(v.code, 0, v.err);
  const counted = Number(/, (\d+) expectation\(s\)/.exec(v.out)![1]);
  const out = join(tmp.dir, 'r.json');
  await cli(['run', plan, '-o', out]);
  const ran = (JSON.parse(readFileSync(out, 'utf8')) as { expectations: unknown[] }).expectations.length;
  assert.equal(ran, 4, 'maxErrors, p95, degradation p95 and rps');
  assert.equal(counted, ran);
});
