import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPlan, validatePlanFile, type PlanOverrides } from '../../src/engine/plan/load-plan.ts';
import { planValidator } from '../../src/engine/plan/plan-schema.ts';
import { didYouMean } from '../../src/engine/plan/did-you-mean.ts';
import { DURATION_PATTERN, formatDuration, parseDurationMs } from '../../src/engine/duration.ts';
import type { AgentloadError, PlanError } from '../../src/engine/errors.ts';

const dir = mkdtempSync(join(tmpdir(), 'agentload-plan-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let fileCount = 0;

/** Writes `lines` as a plan file; returns its path. */
function planFile(lines: string[]): string {
  const file = join(dir, `plan-${fileCount++}.yml`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

/** 1-based line and column of `needle` on the line that contains it (searching from line `from`). */
function pos(lines: string[], needle: string, from = 1): { line: number; col: number } {
  const i = lines.findIndex((l, n) => n >= from - 1 && l.includes(needle));
  assert.ok(i >= 0, `"${needle}" not in plan`);
  return { line: i + 1, col: lines[i]!.indexOf(needle) + 1 };
}

function loadError(file: string, overrides: PlanOverrides = {}): PlanError {
  try {
    loadPlan(file, overrides);
  } catch (e) {
    return e as PlanError;
  }
  return assert.fail('expected loadPlan to throw');
}

function byPath(e: PlanError, yamlPath: string): AgentloadError {
  const d = e.diagnostics.find((x) => x.yamlPath === yamlPath);
  assert.ok(d, `no diagnostic at ${yamlPath}; got ${e.diagnostics.map((x) => x.yamlPath).join(', ')}`);
  return d;
}

const HEAD = ['config:', '  target: http://127.0.0.1:8000', '  phases:', '    - duration: 10s', '      arrivalRate: 5'];
const FLOW = ['scenarios:', '  - name: s', '    flow:', '      - get: {url: /}'];

const VALID = [
  'config:',
  '  target: http://127.0.0.1:8000',
  '  phases:',
  '    - {name: warm, duration: 30s, arrivalRate: 5, rampTo: 10}',
  '    - {duration: 1m, users: 20, spawnRate: 5}',
  '  http: {timeout: 5s, connections: 4}',
  '  variables: {token: abc}',
  '  defaultEnvironment: standard',
  '  environments:',
  '    standard: {}',
  '    quick:',
  '      phases:',
  '        - duration: 5s',
  '          arrivalRate: 1',
  '      http: {timeout: 1s}',
  '  expect:',
  '    p95: 50ms',
  '    maxErrorRate: "0.1%"',
  '    byName: {health: {p95: 20ms}}',
  'scenarios:',
  '  - name: health',
  '    weight: 2',
  '    flow:',
  '      - get:',
  '          url: /api/v1/health',
  '          expect: {status: [200, 204], json: [{path: $.ok, equals: true}]}',
  '      - think: {min: 1s, max: 2s}',
  '      - loop:',
  '          - post:',
  '              url: /api/v1/jsonrpc',
  '              json: {jsonrpc: "2.0", method: agent.ping, id: 1}',
  '              capture: [{json: $.result.id, as: id}, {header: x-id, as: hid}]',
  '        count: 3',
  '  - name: other',
  '    flow:',
  '      - log: hi',
];

test('a valid plan loads frozen, with scenario defaults filled and positions kept', () => {
  const file = planFile(VALID);
  const plan = loadPlan(file, {});
  assert.equal(plan.file, file);
  assert.equal(plan.environment, 'standard');
  assert.equal(plan.config.target, 'http://127.0.0.1:8000');
  assert.equal(plan.config.phases.length, 2);
  assert.deepEqual(plan.config.http, { timeout: '5s', connections: 4 });
  assert.deepEqual(plan.scenarios.map((s) => [s.name, s.weight, s.engine]), [['health', 2, 'http'], ['other', 1, 'http']]);
  assert.ok(Object.isFrozen(plan) && Object.isFrozen(plan.config.phases[0]) && Object.isFrozen(plan.scenarios[0]!.flow[0]));
  assert.deepEqual(plan.locate('scenarios[0].flow[0].get.url'), { file, ...pos(VALID, '/api/v1/health') });
  assert.deepEqual(plan.locate('scenarios[0].flow[0].get'), { file, ...pos(VALID, 'get:', 20) });
  assert.deepEqual(plan.locate('scenarios[0].flow[2].loop[0].post.capture[1].as'), { file, ...pos(VALID, 'hid') });
  assert.deepEqual(plan.locate('scenarios[0].flow[9]'), { file, ...pos(VALID, 'flow:') }, 'missing paths fall back to the nearest ancestor');
  assert.doesNotThrow(() => validatePlanFile(file, {}));
});

test('YAML syntax errors are all reported as AGENTLOAD_E_YAML with line and column', () => {
  const lines = ['config:', '  target: http://x', '  phases: [1, 2', 'scenarios:', '  - name: a', '    flow: : x'];
  const e = loadError(planFile(lines));
  assert.equal(e.code, 'AGENTLOAD_E_YAML');
  assert.equal(e.exitCode, 2);
  assert.ok(e.diagnostics.length >= 2);
  assert.ok(e.diagnostics.every((d) => d.code === 'AGENTLOAD_E_YAML' && d.location!.line >= 3));
  assert.deepEqual(e.location, { file: e.location!.file, line: 4, col: 1 });
});

test('a missing file is AGENTLOAD_E_PLAN_READ', () => {
  assert.equal(loadError(join(dir, 'nope.yml')).code, 'AGENTLOAD_E_PLAN_READ');
});

test('several schema errors come together, sorted, each located with its YAML path', () => {
  const lines = [
    'config:',
    '  target: ftp://x',
    '  phases:',
    '    - duration: 10s',
    '      arrivalRate: 5',
    '      arrivalDistribution: poison',
    '  http: {connections: 0}',
    'scenarios:',
    '  - name: s',
    '    weight: -1',
    '    flow:',
    '      - get: {url: /, expect: {status: "200"}, hedaers: {}}',
    '      - think: {min: 1s, mx: 2s}',
    '      - get: {url: /, capture: {json: $.a, header: b, as: v}}',
  ];
  const file = planFile(lines);
  const e = loadError(file);
  const got = e.diagnostics.map((d) => [d.yamlPath, d.code, d.location!.line, d.location!.col]);
  const at = (needle: string, from?: number) => Object.values(pos(lines, needle, from));
  assert.deepEqual(got, [
    ['config.target', 'AGENTLOAD_E_SCHEMA', ...at('ftp://x')],
    ['config.phases[0].arrivalDistribution', 'AGENTLOAD_E_SCHEMA', ...at('poison')],
    ['config.http.connections', 'AGENTLOAD_E_SCHEMA', ...at('0}')],
    ['scenarios[0].weight', 'AGENTLOAD_E_SCHEMA', ...at('-1', 10)],
    ['scenarios[0].flow[0].get.expect.status', 'AGENTLOAD_E_SCHEMA', ...at('"200"')],
    ['scenarios[0].flow[0].get.hedaers', 'AGENTLOAD_E_SCHEMA', ...at('hedaers')],
    ['scenarios[0].flow[1].think.mx', 'AGENTLOAD_E_SCHEMA', ...at('mx')],
    ['scenarios[0].flow[2].get.capture', 'AGENTLOAD_E_SCHEMA', ...at('capture')],
  ]);
  assert.equal(e.code, 'AGENTLOAD_E_SCHEMA');
  assert.deepEqual(e.location, e.diagnostics[0]!.location);
  assert.match(byPath(e, 'scenarios[0].flow[0].get.hedaers').message, /"headers"/);
  assert.match(byPath(e, 'scenarios[0].flow[1].think.mx').message, /"max"/, 'and no "missing max" beside it');
  assert.match(byPath(e, 'config.phases[0].arrivalDistribution').message, /"poisson"/);
});

test('a misspelt key gets "did you mean", located at the key', () => {
  const lines = [...HEAD.slice(0, 4), '      arivalRate: 5', ...FLOW];
  const e = loadError(planFile(lines));
  assert.equal(e.diagnostics.length, 1, 'no extra noise about the phase lacking a rate');
  const d = byPath(e, 'config.phases[0].arivalRate');
  assert.equal(d.code, 'AGENTLOAD_E_SCHEMA');
  assert.deepEqual([d.location!.line, d.location!.col], Object.values(pos(lines, 'arivalRate')));
  assert.match(d.message, /did you mean "arrivalRate"/);
});

test('a missing required key is reported at its parent, with the key in the path', () => {
  const lines = [...HEAD, 'scenarios:', '  - name: s', '    flow:', '      - get:', '          name: no-url'];
  const d = byPath(loadError(planFile(lines)), 'scenarios[0].flow[0].get.url');
  assert.equal(d.code, 'AGENTLOAD_E_SCHEMA');
  assert.deepEqual([d.location!.line, d.location!.col], Object.values(pos(lines, 'get:', 8)));
});

test('an unparsable duration is AGENTLOAD_E_PLAN_DURATION at its value', () => {
  const lines = [...HEAD.slice(0, 3), '    - duration: 30 fortnights', '      arrivalRate: 5', ...FLOW, '      - think: abc'];
  const e = loadError(planFile(lines));
  const d = byPath(e, 'config.phases[0].duration');
  assert.equal(d.code, 'AGENTLOAD_E_PLAN_DURATION');
  assert.deepEqual([d.location!.line, d.location!.col], Object.values(pos(lines, '30 fortnights')));
  assert.equal(byPath(e, 'scenarios[0].flow[1].think').code, 'AGENTLOAD_E_PLAN_DURATION');
  assert.equal(e.diagnostics.length, 2, 'one diagnostic per bad duration, not one per anyOf branch');
});

test('a negative arrival rate is located', () => {
  const lines = [...HEAD.slice(0, 4), '      arrivalRate: -3', ...FLOW];
  const d = byPath(loadError(planFile(lines)), 'config.phases[0].arrivalRate');
  assert.equal(d.code, 'AGENTLOAD_E_SCHEMA');
  assert.deepEqual([d.location!.line, d.location!.col], Object.values(pos(lines, '-3')));
});

test('phase, step and loop rules are checked with positions', () => {
  const lines = [
    ...HEAD.slice(0, 3),
    '    - {duration: 10s, arrivalRate: 5, users: 3}',
    '    - {arrivalRate: 5}',
    ...FLOW.slice(0, 3),
    '      - {get: {url: /}, post: {url: /}}',
    '      - {log: x, count: 2}',
    '      - loop: [{log: x}]',
    '      - {think: {min: 2s, max: 1s}}',
  ];
  const e = loadError(planFile(lines));
  assert.deepEqual(e.diagnostics.map((d) => [d.yamlPath, d.location!.line]), [
    ['config.phases[0]', 4],
    ['config.phases[1].duration', 5],
    ['scenarios[0].flow[0]', 9],
    ['scenarios[0].flow[1].count', 10],
    ['scenarios[0].flow[2].loop', 11],
    ['scenarios[0].flow[3].think.min', 12],
  ]);
  assert.equal(byPath(e, 'scenarios[0].flow[3].think.min').code, 'AGENTLOAD_E_PLAN_DURATION');
});

test('an environment replaces phases, merges maps one level, and unknown names are rejected', () => {
  const file = planFile(VALID);
  const plan = loadPlan(file, { env: 'quick' });
  assert.equal(plan.environment, 'quick');
  assert.deepEqual(plan.config.phases, [{ duration: '5s', arrivalRate: 1 }]);
  assert.deepEqual(plan.config.http, { timeout: '1s', connections: 4 });
  assert.deepEqual(plan.locate('config.phases[0].duration'), { file, ...pos(VALID, '5s', 12) });
  assert.deepEqual(plan.locate('config.http.connections'), { file, ...pos(VALID, '4}', 6) }, 'kept keys point at the base config');
  const e = loadError(file, { env: 'quik' });
  assert.equal(e.code, 'AGENTLOAD_E_PLAN_ENV_NOT_FOUND');
  assert.equal(e.location, undefined);
  const bad = VALID.map((l) => l.replace('defaultEnvironment: standard', 'defaultEnvironment: staging'));
  const d = byPath(loadError(planFile(bad)), 'config.defaultEnvironment');
  assert.equal(d.code, 'AGENTLOAD_E_PLAN_ENV_NOT_FOUND');
  assert.deepEqual([d.location!.line, d.location!.col], Object.values(pos(bad, 'staging')));
});

test('CLI overrides: target and vars', () => {
  const plan = loadPlan(planFile(VALID), { target: 'sim', vars: { token: 'xyz', extra: '1' } });
  assert.equal(plan.config.target, 'sim');
  assert.deepEqual(plan.config.variables, { token: 'xyz', extra: '1' });
  assert.equal(plan.locate('config.target'), undefined, 'CLI values have no file position');
  assert.equal(plan.locate('config.variables.token'), undefined);
  assert.equal(loadError(planFile(VALID), { target: 'ftp://x' }).code, 'AGENTLOAD_E_PLAN_TARGET');
  const noTarget = planFile(VALID.filter((l) => !l.includes('target:')));
  assert.equal(loadError(noTarget).code, 'AGENTLOAD_E_PLAN_TARGET');
  assert.equal(loadPlan(noTarget, { target: 'http://localhost:1' }).config.target, 'http://localhost:1');
});

test('CLI overrides: users, spawn rate and duration', () => {
  const multi = planFile(VALID);
  const cli = (o: PlanOverrides) => loadPlan(multi, o).config.phases;
  assert.deepEqual(cli({ users: 50, spawnRate: 10, durationMs: 120_000 }), [{ name: 'cli', users: 50, spawnRate: 10, duration: '2m' }]);
  assert.deepEqual(cli({ users: 50 }), [{ name: 'cli', users: 50, spawnRate: 5, duration: '1m' }], 'missing values come from the first closed phase');
  assert.deepEqual(cli({ durationMs: 30_000 }), [
    { name: 'warm', duration: '10s', arrivalRate: 5, rampTo: 10 }, { duration: '20s', users: 20, spawnRate: 5 },
  ], '--duration alone scales every phase in proportion');
  const open = planFile([...HEAD, '    - {duration: 5s, arrivalRate: 1}', ...FLOW]);
  assert.deepEqual(loadPlan(open, { users: 8, durationMs: 1_500 }).config.phases, [{ name: 'cli', users: 8, spawnRate: 8, duration: '1500ms' }]);
  assert.deepEqual(loadPlan(open, { durationMs: 3_000 }).config.phases, [{ duration: '2s', arrivalRate: 5 }, { duration: '1s', arrivalRate: 1 }]);
  assert.equal(loadError(open, { users: 8 }).code, 'AGENTLOAD_E_USAGE', 'no duration anywhere');
  assert.equal(loadError(open, { users: -1, durationMs: 1_000 }).code, 'AGENTLOAD_E_USAGE');
  const single = planFile([...HEAD, ...FLOW]);
  const plan = loadPlan(single, { durationMs: 60_000 });
  assert.deepEqual(plan.config.phases, [{ duration: '1m', arrivalRate: 5 }]);
  assert.equal(plan.locate('config.phases[0].duration'), undefined);
  assert.ok(plan.locate('config.phases[0].arrivalRate'));
});

test('an unknown engine is AGENTLOAD_E_PLAN_UNKNOWN_ENGINE; its steps are left to the engine', () => {
  const lines = [...HEAD, 'scenarios:', '  - name: s', '    engine: htp', '    flow:', '      - anything: {goes: here}'];
  const e = loadError(planFile(lines));
  assert.equal(e.diagnostics.length, 1);
  assert.equal(e.code, 'AGENTLOAD_E_PLAN_UNKNOWN_ENGINE');
  assert.equal(e.yamlPath, 'scenarios[0].engine');
  assert.deepEqual([e.location!.line, e.location!.col], Object.values(pos(lines, 'htp')));
  assert.match(e.message, /"http"/);
  const steps = [...HEAD, 'scenarios:', '  - name: s', '    engine: ws', '    flow:', '      - gett: {url: /}'];
  assert.equal(byPath(loadError(planFile(steps)), 'scenarios[0].flow[0].gett').code, 'AGENTLOAD_E_SCHEMA', 'built-in engines get strict steps');
});

test('durations: parse, format, and one grammar shared with the schema', () => {
  assert.deepEqual(['500ms', '30s', '1.5m', '1h', 2, 0.25].map((v) => parseDurationMs(v)), [500, 30_000, 90_000, 3_600_000, 2_000, 250]);
  assert.deepEqual(['30 sec', '-1s', '', '1d', -1, Number.NaN].map((v) => parseDurationMs(v)), [null, null, null, null, null, null]);
  for (const ms of [0, 1, 999, 1_500, 60_000, 90_000, 3_600_000, 5_400_000]) assert.equal(parseDurationMs(formatDuration(ms)), ms);
  assert.equal(formatDuration(120_000), '2m');
  const schemaPattern = planValidator().bundle.schema.definitions.duration.anyOf[1].pattern as string;
  assert.equal(schemaPattern, DURATION_PATTERN.source);
});

test('didYouMean suggests close words only', () => {
  assert.equal(didYouMean('arivalRate', ['arrivalRate', 'rampTo']), 'arrivalRate');
  assert.equal(didYouMean('hedaers', ['headers', 'qs']), 'headers');
  assert.equal(didYouMean('zzz', ['get', 'post']), undefined);
});
