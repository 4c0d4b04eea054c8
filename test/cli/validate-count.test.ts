import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
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

test('validate lists every compile-time problem in one pass (each step, each scenario), each at its line:col', async (t) => {
  const tmp = tempDir('onepass');
  t.after(() => tmp.cleanup());
  const plan = join(tmp.dir, 'many.yml');
  writeFileSync(plan, [
    'config:',
    '  target: http://127.0.0.1:9',
    '  phases:',
    '    - { duration: 1, arrivalRate: 1 }',
    'scenarios:',
    '  - name: s',
    '    flow:',
    '      - get: { url: "/{{#unless}}", name: one }',
    '      - get: { url: "/{{#if}}", name: other }',
    '  - name: t',
    '    flow:',
    '      - post: { url: /x, json: { a: "{{#each}}" } }',
    '',
  ].join('\n'));
  const r = await cli(['validate', plan]);
  assert.equal(r.code, 2);
  const found = r.err.split('\n').filter((l) => l.startsWith(plan)).map((l) => /:(\d+):\d+ (AGENTLOAD_E_\w+) (\S+):/.exec(l)!.slice(1));
  assert.deepEqual(found, [
    ['8', 'AGENTLOAD_E_TEMPLATE', 'scenarios[0].flow[0].get.url'],
    ['9', 'AGENTLOAD_E_TEMPLATE', 'scenarios[0].flow[1].get.url'],
    ['12', 'AGENTLOAD_E_TEMPLATE', 'scenarios[1].flow[0].post.json.a'],
  ], r.err);
});

test('validate lists schema errors and template errors together', async (t) => {
  const tmp = tempDir('schema-and-template');
  t.after(() => tmp.cleanup());
  const plan = join(tmp.dir, 'both.yml');
  writeFileSync(plan, [
    'config:',
    '  target: http://127.0.0.1:9',
    '  intervall: 5s',
    '  phases:',
    '    - { duration: 1, arrivalRate: 1 }',
    'scenarios:',
    '  - name: s',
    '    flow:',
    '      - get: { url: "/{{#if}}", name: one }',
    '',
  ].join('\n'));
  const r = await cli(['validate', plan]);
  assert.equal(r.code, 2);
  const found = r.err.split('\n').filter((l) => l.startsWith(plan)).map((l) => /:(\d+):\d+ (AGENTLOAD_E_\w+) /.exec(l)!.slice(1));
  assert.deepEqual(found, [['3', 'AGENTLOAD_E_SCHEMA'], ['9', 'AGENTLOAD_E_TEMPLATE']], r.err);
});
