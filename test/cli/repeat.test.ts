/**
 * `--repeat N`: N runs of one plan with the cool-down between, median and
 * spread of the headline numbers, one JSON per repetition plus the summary,
 * exit 1 when any repetition failed its expectations.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, startTarget, tempDir, writePlan } from './cli-fixture.ts';
import { median } from '../../src/cli/repeat-summary.ts';
import { taggedFile } from '../../src/cli/run-outputs.ts';
import type { TestServer } from '../helpers/servers.ts';

let server: TestServer;
let tmp: { dir: string; cleanup: () => void };

before(async () => {
  server = await startTarget();
  tmp = tempDir('repeat');
});
after(async () => {
  await server.close();
  tmp.cleanup();
});

test('median and tagged names', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 2, 3]), 2.5);
  assert.equal(taggedFile('out/run.json', '2'), 'out/run.2.json');
  assert.equal(taggedFile('out.d/run', 'summary'), 'out.d/run.summary');
});

test('--repeat 3 reports median and spread and writes one JSON per repetition plus the summary', async () => {
  const plan = writePlan(tmp.dir, 'rep.yml', server.url, '/r1');
  const output = join(tmp.dir, 'run.json');
  const r = await cli(['run', plan, '--repeat', '3', '--cool-down', '100ms', '--output', output]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /rep\.yml repeated 3× — 3\/3 repetitions held/);
  for (const metric of ['rps', 'p50 ms', 'p95 ms', 'p99 ms', 'error rate']) {
    assert.match(r.out, new RegExp(`^${metric}\\s+[\\d.]+%?\\s+[\\d.]+%?\\s+[\\d.]+%?\\s+\\S+$`, 'm'), metric);
  }
  assert.match(r.out, /^rep #3\s+0 ok/m);
  const counts = [1, 2, 3].map((i) => {
    const doc = JSON.parse(readFileSync(join(tmp.dir, `run.${i}.json`), 'utf8'));
    assert.equal(doc.format, 'agentload-result/1');
    return doc.summary.overall.count as number;
  });
  assert.equal(counts.reduce((s, c) => s + c, 0), server.requests.filter((q) => q.url === '/r1').length);
  assert.ok(!existsSync(output));
  const summary = JSON.parse(readFileSync(join(tmp.dir, 'run.summary.json'), 'utf8'));
  assert.equal(summary.runs.length, 3);
  const rps = summary.repeats[0].rps;
  assert.ok(rps.min <= rps.median && rps.median <= rps.max && rps.min > 0, JSON.stringify(rps));
  assert.equal(summary.repeats[0].passedRuns, 3);
});

test('--repeat: a repetition failing its expectations makes exit 1', async () => {
  const plan = writePlan(tmp.dir, 'rep-fail.yml', server.url, '/fail');
  const r = await cli(['run', plan, '--repeat', '2', '--cool-down', '0s', '--quiet']);
  assert.equal(r.code, 1, r.err);
  assert.match(r.out, /0\/2 repetitions held/);
  assert.match(r.out, /^rep-fail #2\s+1 FAIL/m);
});

test('bad --repeat and --cool-down values are usage errors', async () => {
  const plan = writePlan(tmp.dir, 'rep-usage.yml', server.url, '/r3');
  for (const args of [['--repeat', '0'], ['--repeat', '1.5'], ['--cool-down', 'soon']]) {
    const r = await cli(['run', plan, ...args]);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.err, /AGENTLOAD_E_USAGE/);
  }
  assert.equal(server.requests.filter((q) => q.url === '/r3').length, 0);
});
