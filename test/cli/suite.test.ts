/**
 * Suites: several plans (on the command line or in a suite file) run one
 * after another with a cool-down, one combined table, the worst exit code;
 * an invalid plan stops everything before the first request.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, startTarget, tempDir, writePlan } from './cli-fixture.ts';
import type { TestServer } from '../helpers/servers.ts';

let server: TestServer;
let tmp: { dir: string; cleanup: () => void };

before(async () => {
  server = await startTarget();
  tmp = tempDir('suite');
});
after(async () => {
  await server.close();
  tmp.cleanup();
});

const requestsTo = (path: string) => server.requests.filter((r) => r.url === path);

test('a suite file runs its plans in order; one failing plan makes exit 1 and the table names it', async () => {
  writePlan(tmp.dir, 'good.yml', server.url, '/s1-good');
  writePlan(tmp.dir, 'bad.yml', server.url, '/fail');
  const suite = join(tmp.dir, 'suite.yml');
  writeFileSync(suite, '# two plans\nsuite:\n  coolDown: 400ms\n  plans:\n    - good.yml\n    - bad.yml\n');
  const output = join(tmp.dir, 'out', 'run.json');
  const r = await cli(['run', suite, '--output', output]);
  assert.equal(r.code, 1, r.err);
  const table = r.out.slice(r.out.indexOf('agentload: suite of 2 plans'));
  assert.match(table, /cool-down 400ms — exit 1/);
  assert.match(table, /^good\s+0 ok\s+\d+/m);
  assert.match(table, /^bad\s+1 FAIL\s+\d+ .*1 FAIL: maxErrors/m);
  assert.ok(requestsTo('/s1-good').length >= 15);
  // The suite's own cool-down (no flag) separates the plans.
  const gapMs = requestsTo('/fail')[0]!.atMs - requestsTo('/s1-good').at(-1)!.atMs;
  assert.ok(gapMs >= 380, `gap ${gapMs} ms`);
  assert.ok(existsSync(join(tmp.dir, 'out', 'run.good.json')));
  assert.ok(existsSync(join(tmp.dir, 'out', 'run.bad.json')));
  assert.ok(!existsSync(output), 'the untagged name is not written');
  const summary = JSON.parse(readFileSync(join(tmp.dir, 'out', 'run.summary.json'), 'utf8'));
  assert.equal(summary.format, 'agentload-session/1');
  assert.equal(summary.exitCode, 1);
  assert.deepEqual(summary.runs.map((x: { label: string; exitCode: number }) => [x.label, x.exitCode]), [['good', 0], ['bad', 1]]);
});

test('an invalid plan in a suite: exit 2 before any plan runs, every bad plan reported', async () => {
  const first = writePlan(tmp.dir, 'first.yml', server.url, '/s2-first');
  const broken = writePlan(tmp.dir, 'broken.yml', server.url, '/s2-broken', ['    p95: fast']);
  const last = writePlan(tmp.dir, 'last.yml', server.url, '/s2-last');
  const typo = join(tmp.dir, 'typo.yml');
  writeFileSync(typo, 'config:\n  target: http://127.0.0.1:1\n  phases: [{ duration: "1 fortnight", arrivalRate: 1 }]\nscenarios:\n  - flow: [{ get: { url: / } }]\n');
  const r = await cli(['run', first, broken, last, typo, '--cool-down', '0s']);
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, /broken\.yml:\d+:\d+ AGENTLOAD_E_PLAN_EXPECT/);
  assert.match(r.err, /typo\.yml:\d+:\d+ AGENTLOAD_E_/);
  assert.equal(requestsTo('/s2-first').length + requestsTo('/s2-last').length, 0, 'no plan sent a request');
  assert.doesNotMatch(r.out, /suite of/);
});

test('a malformed suite file is AGENTLOAD_E_SUITE with line:col', async () => {
  writePlan(tmp.dir, 'ok.yml', server.url, '/s3');
  const suite = join(tmp.dir, 'bad-suite.yml');
  writeFileSync(suite, 'suite:\n  coolDown: soon\n  plans:\n    - ok.yml\n    - missing.yml\n  repeat: 2\n');
  const r = await cli(['run', suite]);
  assert.equal(r.code, 2);
  assert.match(r.err, /bad-suite\.yml:2:13 AGENTLOAD_E_SUITE suite\.coolDown/);
  assert.match(r.err, /bad-suite\.yml:5:7 AGENTLOAD_E_SUITE suite\.plans\[1\]: plan file not found/);
  assert.match(r.err, /bad-suite\.yml:6:3 AGENTLOAD_E_SUITE suite\.repeat/);
  assert.equal(requestsTo('/s3').length, 0);
});

test('--cool-down is honoured between plans given on the command line', async () => {
  const a = writePlan(tmp.dir, 'cool-a.yml', server.url, '/s4-a');
  const b = writePlan(tmp.dir, 'cool-b.yml', server.url, '/s4-b');
  const r = await cli(['run', a, b, '--cool-down', '1s', '--quiet']);
  assert.equal(r.code, 0, r.err);
  const firstA = requestsTo('/s4-a')[0]!.atMs;
  const lastA = requestsTo('/s4-a').at(-1)!.atMs;
  const firstB = requestsTo('/s4-b')[0]!.atMs;
  assert.ok(firstB - lastA >= 980, `last A → first B ${(firstB - lastA).toFixed(0)} ms`);
  assert.ok(firstB - firstA >= 1980, `first A → first B ${(firstB - firstA).toFixed(0)} ms (1 s plan + 1 s cool-down)`);
  assert.match(r.out, /suite of 2 plans, cool-down 1s — exit 0/);
});

test('validate expands a suite file and checks each plan', async () => {
  writePlan(tmp.dir, 'v1.yml', server.url, '/v1');
  writePlan(tmp.dir, 'v2.yml', server.url, '/v2');
  const suite = join(tmp.dir, 'v-suite.yml');
  writeFileSync(suite, 'suite:\n  plans: [v1.yml, v2.yml]\n');
  const r = await cli(['validate', suite]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /v1\.yml: valid/);
  assert.match(r.out, /v2\.yml: valid/);
});
