import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli, startTarget, tempDir, writePlan } from './cli-fixture.ts';

test('off a terminal: one plain line per interval, then the verdict line and where every report went', async (t) => {
  const server = await startTarget();
  const tmp = tempDir('verdict');
  t.after(async () => { await server.close(); tmp.cleanup(); });
  const ok = writePlan(tmp.dir, 'ok.yml', server.url, '/ok');
  const json = join(tmp.dir, 'r.json');
  const junit = join(tmp.dir, 'j.xml');
  const pass = await cli(['run', ok, '-o', json, '--junit', junit, '--csv', join(tmp.dir, 'c')]);
  assert.equal(pass.code, 0, pass.err);
  const lines = pass.out.split('\n');
  const plain = lines.filter((l) => /^\[\d+s\/1s\] (main|-): [\d.]+ req\/s, p95 [\d.]+ms, errors \d+, expected \d+, users \d+$/.test(l));
  assert.ok(plain.length >= 2, `a plain line per 250 ms interval:\n${pass.out}`);
  const verdictAt = lines.indexOf('PASS: 1 of 1 expectation held');
  assert.ok(verdictAt > 0, pass.out);
  assert.deepEqual(lines.slice(verdictAt + 1).sort(), [
    `JSON result: ${json}`, `JUnit XML: ${junit}`,
    `CSV stats: ${join(tmp.dir, 'c_stats.csv')}`, `CSV history: ${join(tmp.dir, 'c_stats_history.csv')}`, `CSV failures: ${join(tmp.dir, 'c_failures.csv')}`,
  ].sort(), 'every report, each once, after the verdict');

  const bad = writePlan(tmp.dir, 'bad.yml', server.url, '/fail');
  const fail = await cli(['run', bad]);
  assert.equal(fail.code, 1);
  assert.equal(fail.out.split('\n').at(-1), 'FAIL: 1 of 1 expectation failed (maxErrors)');
  assert.match(fail.out, /^FAIL {2}maxErrors {2}\d+ \(limit <= 0\)$/m);

  const quiet = await cli(['run', bad, '--quiet']);
  // A loaded machine may add the saturation WARNING; nothing else is printed.
  const kept = quiet.out.split('\n').filter((l) => l !== '' && !l.startsWith('WARNING '));
  assert.deepEqual(kept, [kept.find((l) => l.startsWith('FAIL  '))!, 'FAIL: 1 of 1 expectation failed (maxErrors)']);
});
