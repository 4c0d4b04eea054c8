/**
 * Issue 20, item 6: a 10 000-step plan of named HTTP steps validates (the
 * same path as `agentload validate`: load, plugins, compile), and an error in
 * its 9 999th step, found at load (schema) or only at compile (a template), is
 * still located at its line. Speed is measured by bench/validate-scale.ts, not here;
 * what keeps it fast is counted: a valid plan of any size is never parsed by the
 * yaml library (no position tree), an invalid one once, however many errors it has.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { validateCommand } from '../../src/cli/validate-command.ts';
import { loadPlan, planReadCounts } from '../../src/engine/plan/load-plan.ts';
import { parseGuarded, toJsGuarded } from '../../src/engine/plan/yaml-guards.ts';
import type { AgentloadError } from '../../src/engine/errors.ts';

const STEPS = 10_000;
const dir = mkdtempSync(join(tmpdir(), 'agentload-i20-scale-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Step i as written; `bad` replaces the last step's body or expect to make it wrong. */
function step(i: number): string {
  if (i % 3 === 0) return `      - get: { url: /api/v1/items/${i}, name: item-${i}, expect: { status: 200 } }\n`;
  if (i % 3 === 1) {
    return `      - post:\n          url: /api/v1/jsonrpc\n          name: rpc-${i}\n` +
      `          json: { jsonrpc: "2.0", id: ${i}, method: agent.ping, params: { agent_id: "a-{{ vu }}", n: ${i} } }\n` +
      `          capture: { json: result, as: r${i} }\n`;
  }
  return `      - post: { url: /api/v1/tasks, name: task-${i}, json: { title: "t${i}", tags: [a, b] }, capture: [{ json: id, as: t${i} }] }\n`;
}

/** The plan with `last` as its 10 000th step; returns the file and the line that step starts on. */
function plan(name: string, last: string): { file: string; line: number } {
  let text = 'config:\n  target: http://127.0.0.1:9\n  phases:\n    - { name: steady, duration: 10s, arrivalRate: 1 }\nscenarios:\n  - name: big\n    flow:\n';
  for (let i = 0; i < STEPS - 1; i++) text += step(i);
  const line = text.split('\n').length;
  const file = join(dir, name);
  writeFileSync(file, text + last);
  return { file, line };
}

async function validateError(file: string): Promise<AgentloadError> {
  const e = await validateCommand([file], () => {}).then(() => null, (err: unknown) => err as AgentloadError & { diagnostics?: AgentloadError[] });
  if (e === null) return assert.fail(`expected ${file} to be refused`);
  return e.diagnostics?.[0] ?? e;
}

test(`a plan of ${STEPS.toLocaleString('en-US')} named HTTP steps validates`, async () => {
  const { file } = plan('good.yml', step(STEPS - 1));
  const out: string[] = [];
  assert.equal(await validateCommand([file], (l) => out.push(l)), 0);
  assert.match(out.join('\n'), /good\.yml: valid — 1 phase\(s\), 1 scenario\(s\)/);
});

test('an error in the 9 999th step is located at its line, whether the schema or the template compiler finds it', async () => {
  const schema = plan('schema.yml', '      - get: { url: /last, name: last, expect: { status: many } }\n');
  const s = await validateError(schema.file);
  assert.equal(s.code, 'AGENTLOAD_E_SCHEMA');
  assert.equal(s.location?.file, schema.file);
  assert.equal(s.location?.line, schema.line);
  assert.match(s.yamlPath ?? '', new RegExp(`^scenarios\\[0\\]\\.flow\\[${STEPS - 1}\\]`));

  const template = plan('template.yml', '      - post:\n          url: /last\n          json: { a: "{{#if x}} never closed" }\n');
  const t = await validateError(template.file);
  assert.equal(t.code, 'AGENTLOAD_E_TEMPLATE');
  assert.equal(t.location?.file, template.file);
  assert.equal(t.location?.line, template.line + 2, 'at the templated value, two lines into the step');
});

test(`${STEPS.toLocaleString('en-US')} steps reused by alias and merge key load as yaml itself reads them`, async () => {
  let text = 'config:\n  target: http://127.0.0.1:9\n  phases:\n    - { name: steady, duration: 10s, arrivalRate: 1 }\n' +
    'x-think: &think { min: 10ms, max: 50ms }\nx-health: &health\n  get: { url: /api/v1/health, name: health, expect: { status: [200] } }\n' +
    'x-rpc: &rpc { url: /api/v1/jsonrpc, json: { jsonrpc: "2.0", method: agent.ping, id: "{{ vu }}" } }\nscenarios:\n  - name: big\n    flow:\n';
  for (let i = 0; i < STEPS; i++) text += i % 3 === 0 ? '      - *health\n' : i % 3 === 1 ? '      - think: *think\n' : `      - post: { <<: *rpc, name: rpc-${i} }\n`;
  const file = join(dir, 'aliased.yml');
  writeFileSync(file, text);
  // toJsGuarded resolves aliases its own way (one walk); the value must be yaml's own, step for step.
  const { doc, problems } = parseGuarded(text, new LineCounter());
  assert.deepEqual(problems, []);
  assert.deepEqual(toJsGuarded(doc!), parseDocument(text, { merge: true, uniqueKeys: false }).toJS({ maxAliasCount: 100_000 }));
  const parsesBefore = planReadCounts.yamlParses;
  const flow = loadPlan(file).scenarios[0]!.flow;
  assert.equal(planReadCounts.yamlParses - parsesBefore, 0, 'aliases to alias-free nodes take the first read: no position tree');
  assert.equal(flow.length, STEPS);
  assert.deepEqual(flow[STEPS - 2], { post: { url: '/api/v1/jsonrpc', json: { jsonrpc: '2.0', method: 'agent.ping', id: '{{ vu }}' }, name: `rpc-${STEPS - 2}` } });
  assert.equal(await validateCommand([file], () => {}), 0);
});

/** What validating `file` cost in yaml parses and first reads (planReadCounts deltas), and the error if any. */
async function readsOf(file: string): Promise<{ yamlParses: number; fastReads: number; error: AgentloadError | null }> {
  const before = { ...planReadCounts };
  const e = await validateCommand([file], () => {}).then(() => null, (err: unknown) => err as AgentloadError & { diagnostics?: AgentloadError[] });
  return { yamlParses: planReadCounts.yamlParses - before.yamlParses, fastReads: planReadCounts.fastReads - before.fastReads, error: e?.diagnostics?.[0] ?? e };
}

test('a valid plan is never parsed for positions, whatever its size; an invalid one once, however many errors it has', async () => {
  // A plugin entry too: the plugin loader locates an entry only when it has an error to report.
  const sized = (steps: number, last: string): string => {
    let text = 'config:\n  target: http://127.0.0.1:9\n  phases:\n    - { name: steady, duration: 10s, arrivalRate: 1 }\n  plugins:\n    console: false\n' +
      'scenarios:\n  - name: big\n    flow:\n';
    for (let i = 0; i < steps - 1; i++) text += step(i);
    const file = join(dir, `sized-${steps}-${last.length}.yml`);
    writeFileSync(file, text + last);
    return file;
  };
  for (const steps of [10, 2000]) {
    const good = await readsOf(sized(steps, step(steps - 1)));
    assert.deepEqual(good, { yamlParses: 0, fastReads: 1, error: null }, `${steps} steps`);
  }
  // Three errors (schema, unknown key, template): one parse locates them all.
  const bad = await readsOf(sized(2000, '      - get: { url: /x, name: x, expect: { status: many } }\n      - get: { url: /y, bogus: 1 }\n      - post: { url: /z, json: { a: "{{#if x}}" } }\n'));
  assert.equal(bad.error?.code, 'AGENTLOAD_E_SCHEMA');
  assert.deepEqual({ yamlParses: bad.yamlParses, fastReads: bad.fastReads }, { yamlParses: 1, fastReads: 1 });
  // An error only the compiler finds (a template) is located by one parse too.
  const template = await readsOf(sized(2000, '      - post: { url: /z, json: { a: "{{#if x}}" } }\n'));
  assert.equal(template.error?.code, 'AGENTLOAD_E_TEMPLATE');
  assert.equal(template.yamlParses, 1);
});
