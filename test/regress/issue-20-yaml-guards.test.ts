/**
 * Issue 20, items 2 and 6: plans that used to crash the YAML parser (stack
 * overflow, exit 134) stop at their line:col with exit 2, and a plan with
 * thousands of steps or keys validates with memory and work linear in its size.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlan } from '../../src/engine/plan/load-plan.ts';
import { LineCounter } from 'yaml';
import { MAX_NESTING_DEPTH, nestingOverflowAt, parseGuarded } from '../../src/engine/plan/yaml-guards.ts';
import { HdrSink } from '../../src/engine/metrics/hdr-sink.ts';
import type { PlanError } from '../../src/engine/errors.ts';
import { agentload } from '../helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'agentload-i20-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
function planFile(text: string): string {
  const file = join(dir, `p${n++}.yml`);
  writeFileSync(file, text);
  return file;
}
function loadError(file: string): PlanError {
  try {
    loadPlan(file);
  } catch (e) {
    return e as PlanError;
  }
  return assert.fail('expected loadPlan to throw');
}
const HEAD = 'config:\n  target: http://127.0.0.1:9\n  phases: [{ duration: 1, arrivalRate: 1 }]\n';

test('a thousand nested [ stop at the first level past the limit, on its line and column, with exit 2', async () => {
  const file = planFile(`${HEAD}  variables:\n    x: ${'['.repeat(1000)}${']'.repeat(1000)}\n`);
  const e = loadError(file);
  assert.equal(e.code, 'AGENTLOAD_E_PLAN_LIMIT');
  assert.equal(e.location?.line, 5);
  // config, variables, x → the flow opens at depth 3; the limit is passed MAX - 3 brackets in.
  assert.ok(e.location!.col > MAX_NESTING_DEPTH - 8 && e.location!.col < MAX_NESTING_DEPTH + 8, `col ${e.location!.col}`);
  const r = await agentload(['validate', file]);
  assert.equal(r.code, 2);
  assert.match(r.err, /p\d+\.yml:5:\d+ AGENTLOAD_E_PLAN_LIMIT/);
  assert.doesNotMatch(r.err, /at .*\.(js|ts):\d+/, 'no stack trace');
});

test('deep block nesting (2000 levels) and deep flow maps are refused the same way', () => {
  let deep = 'config:\n';
  for (let i = 0; i < 2000; i++) deep += `${'  '.repeat(i + 1)}k${i}:\n`;
  assert.equal(loadError(planFile(deep)).code, 'AGENTLOAD_E_PLAN_LIMIT');
  assert.equal(loadError(planFile(`${HEAD}  variables: ${'{a: '.repeat(500)}1${'}'.repeat(500)}\n`)).code, 'AGENTLOAD_E_PLAN_LIMIT');
  assert.equal(loadError(planFile(`${HEAD}  variables:\n    x:\n${'      '}${'- '.repeat(300)}x\n`)).code, 'AGENTLOAD_E_PLAN_LIMIT');
});

test('the parse puts the real process.env back, after a good file and after one it refuses', () => {
  const env = process.env;
  assert.notEqual(parseGuarded('a: 1\n', new LineCounter()).doc, null);
  assert.equal(parseGuarded(`a: ${'['.repeat(500)}`, new LineCounter()).doc, null);
  assert.equal(process.env, env);
});

test('nesting up to the limit is measured, not guessed: realistic plans pass, brackets inside strings and block scalars do not count', () => {
  assert.equal(nestingOverflowAt('a:\n  b:\n    - c: [1, {d: [2]}]\n'), -1);
  assert.equal(nestingOverflowAt(`a: "${'['.repeat(500)}"\nb: |\n  ${'{'.repeat(500)}\n# ${'['.repeat(500)}\n`), -1);
  assert.equal(nestingOverflowAt(`a: ${'['.repeat(40)}${']'.repeat(40)}`), -1);
  assert.ok(nestingOverflowAt(`a: ${'['.repeat(80)}${']'.repeat(80)}`) > 0);
});

test('a duplicate key is still an error at the repeated key; merge keys may repeat', () => {
  const e = loadError(planFile(`${HEAD}  variables:\n    a: 1\n    b: 2\n    a: 3\nscenarios: [{ name: s, flow: [{ get: { url: / } }] }]\n`));
  assert.equal(e.code, 'AGENTLOAD_E_YAML');
  assert.deepEqual([e.location?.line, e.location?.col], [7, 5]);
  // Maps of more than eight keys are checked another way (a Set): the same answer.
  const keys = Array.from({ length: 12 }, (_, i) => `    k${i}: ${i}\n`).join('');
  const big = loadError(planFile(`${HEAD}  variables:\n${keys}    k3: again\nscenarios: [{ name: s, flow: [{ get: { url: / } }] }]\n`));
  assert.equal(big.code, 'AGENTLOAD_E_YAML');
  assert.deepEqual([big.location?.line, big.location?.col], [17, 5]);
});

test('a 10 000-step plan loads without a histogram per step, and 20 000 variables load in linear time', () => {
  let steps = `${HEAD}scenarios:\n  - name: s\n    flow:\n`;
  for (let i = 0; i < 10_000; i++) steps += `      - get: { url: /a${i}, name: n${i}, expect: { status: 200 } }\n`;
  const plan = loadPlan(planFile(steps));
  assert.equal(plan.scenarios[0]!.flow.length, 10_000);
  // The histograms of names without samples are not allocated: 10 000 handles stay far below 10 000 × 190 KB.
  const sink = new HdrSink();
  const before = process.memoryUsage().arrayBuffers;
  for (let i = 0; i < 10_000; i++) sink.handle(`n${i}`);
  assert.ok(process.memoryUsage().arrayBuffers - before < 100e6, 'under 100 MB of histograms for 10 000 names');
  const h = sink.handle('n7');
  sink.recordLatency(h, 1500);
  sink.ok(h);
  sink.snapshot(0, 1000, null);
  const n7 = sink.summary(1000).byName.find((x) => x.name === 'n7')!;
  assert.equal(n7.count, 1);
  assert.ok(n7.latencyMs.max >= 1.4 && n7.latencyMs.max <= 1.6, `max ${n7.latencyMs.max} ms`);
});

test('an alias to its own ancestor, and a map or list used as a key, are located YAML errors, not a hang or a warning', () => {
  const cyc = loadError(planFile(`${HEAD}  variables:\n    a: &x\n      b: *x\n`));
  assert.equal(cyc.code, 'AGENTLOAD_E_YAML');
  assert.deepEqual([cyc.location?.line, cyc.location?.col], [6, 10]);
  const key = loadError(planFile(`${HEAD}  variables:\n    ? [a, b]\n    : 1\n`));
  assert.equal(key.code, 'AGENTLOAD_E_YAML');
  assert.equal(key.location?.line, 5);
});

test('a !!binary value where text is expected is a schema error, not a crash', () => {
  const e = loadError(planFile(`${HEAD}scenarios:\n  - name: !!binary AAAA\n    flow: [{ get: { url: / } }]\n`));
  assert.equal(e.code, 'AGENTLOAD_E_SCHEMA');
  assert.equal(e.location?.line, 5);
});

test('errors on keys that are not identifiers are located at the nearest enclosing key', async () => {
  const file = planFile(`${HEAD}  expect:\n    byName:\n      "Large Payload": { p95: 10ms }\nscenarios: [{ name: s, flow: [{ get: { url: /, name: other } }] }]\n`);
  const r = await agentload(['validate', file]);
  assert.equal(r.code, 2);
  assert.match(r.err, /p\d+\.yml:\d+:\d+ AGENTLOAD_E_PLAN_EXPECT config\.expect\.byName\.Large Payload/);
});

test('a bad config.sim key is named at its line:col, with its full path', async () => {
  const file = planFile('config:\n  target: sim\n  phases: [{ duration: 1, arrivalRate: 1 }]\n  sim:\n    latency: { x: 1 }\n    errorRate: 7\nscenarios: [{ name: s, flow: [{ get: { url: / } }] }]\n');
  const r = await agentload(['validate', file]);
  assert.equal(r.code, 2);
  assert.match(r.err, /p\d+\.yml:5:5 AGENTLOAD_E_SIM_CONFIG config\.sim\.latency: .*\(\+1 more: config\.sim\.errorRate\)/);
});
