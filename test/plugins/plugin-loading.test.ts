import { loadPlan } from '../../src/engine/plan/load-plan.ts';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { main } from '../../src/cli/main.ts';
import { loadRunPlugins } from '../../src/cli/plugin-loader.ts';
import { parseReporterSpec } from '../../src/cli/reporter-spec.ts';
import { compilePlan } from '../../src/engine/compile/compile-plan.ts';
import { HdrSink } from '../../src/engine/metrics/hdr-sink.ts';
import { runPlan } from '../../src/engine/run/run-plan.ts';
import { pluginsMayProvideEngine } from '../../src/engine/plugin-registry.ts';
import { NO_FLAGS, planText, startTarget, tempDir } from './report-fixture.ts';
import type { TestServer } from '../helpers/servers.ts';
import type { PlanInput } from '../../src/engine/contracts.ts';
import type { CountReport } from '../../examples/count-reporter.ts';

const EXAMPLES = fileURLToPath(new URL('../../examples/', import.meta.url));
let server: TestServer;
let tmp: { dir: string; cleanup: () => void };
let n = 0;

before(async () => {
  server = await startTarget();
  tmp = tempDir('plugins');
});
after(async () => {
  await server.close();
  tmp.cleanup();
});

/** Runs the CLI in-process; returns exit code and output lines. */
async function cli(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t), progress: null });
  return { code, out, err };
}

/** Writes the fixture plan with `plugins` lines into its own directory; returns the plan path. */
function writePlan(plugins: string[], dir = join(tmp.dir, `p${n++}`)): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'plan.yml');
  writeFileSync(file, planText(server.url, plugins));
  return file;
}

/** Relative path from `from` to the examples file, as a plan author writes it. */
const rel = (fromDir: string, file: string): string => {
  const r = relative(fromDir, join(EXAMPLES, file));
  return r.startsWith('.') ? r : `./${r}`;
};

test('examples/count-reporter.ts loads from config.plugins (path relative to the plan) and counts the run', async () => {
  const dir = join(tmp.dir, 'count');
  const countFile = join(dir, 'counts.json');
  const plan = writePlan([`${rel(dir, 'count-reporter.ts')}: { file: ${countFile} }`], dir);
  const json = join(dir, 'run.json');
  const { code, out } = await cli(['run', plan, '--no-console', '--output', json]);
  assert.equal(code, 1, 'maxErrors: 0 fails on the /fail requests');
  const counts = JSON.parse(readFileSync(countFile, 'utf8')) as CountReport;
  const result = JSON.parse(readFileSync(json, 'utf8'));
  assert.equal(counts.requests, result.summary.overall.count);
  assert.equal(counts.errors, result.summary.overall.errors);
  assert.equal(counts.expected, result.summary.overall.expected);
  assert.equal(counts.intervals, result.intervals.length);
  assert.deepEqual(counts.summary, { requests: 150, errors: 50, expected: 50 });
  assert.deepEqual(out.filter((l) => l.startsWith('count:')), [`count: 150 requests, 50 errors, 50 expected outcomes in ${counts.intervals} intervals`]);
});

test('examples/echo-engine.ts loads from config.plugins (module option) and runs its scenario; --reporter adds count', async () => {
  const dir = join(tmp.dir, 'echo');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'echo.yml');
  writeFileSync(file, [
    'config:',
    '  target: http://127.0.0.1:9',
    '  interval: 250ms',
    '  phases: [{ duration: 1, arrivalRate: 40 }]',
    '  plugins:',
    `    echo: { module: ${rel(dir, 'echo-engine.ts')}, delayMs: 2, failEvery: 4 }`,
    '  expect: { maxErrors: 10 }',
    'scenarios:',
    '  - name: say hello',
    '    engine: echo',
    '    flow:',
    '      - echo: { message: "hello {{ who }}", name: greet }',
    '',
  ].join('\n'));
  assert.equal(pluginsMayProvideEngine(parse(readFileSync(file, 'utf8')).config.plugins, 'echo'), true);
  const plan: PlanInput = loadPlan(file, { vars: { who: 'world' } });
  const countFile = join(dir, 'counts.json');
  const spec = `${rel(process.cwd(), 'count-reporter.ts')}:file=${countFile}`;
  const out: string[] = [];
  const plugins = await loadRunPlugins(plan, { ...NO_FLAGS, reporterSpecs: [spec] }, { out: (t) => out.push(t), err: () => {}, progress: null });
  assert.equal(plugins.engines[0]!.id, 'http', 'built-ins register first');
  assert.equal(plugins.engines.at(-1)!.id, 'echo');
  assert.deepEqual(plugins.reporters.map((r) => r.id), ['count']);
  const sink = new HdrSink();
  const result = await runPlan(compilePlan(plan, { engines: plugins.engines, sink }), { sink, reporters: plugins.reporters, log: () => {} });
  const greet = result.summary.byName.find((s) => s.name === 'greet')!;
  assert.equal(greet.count, 40);
  assert.equal(greet.errors, 10, 'every 4th echo is refused');
  assert.deepEqual(greet.outcomes.failed, { echo_refused: 10 });
  assert.ok(greet.latencyMs.p50 >= 1.5, 'latency includes the 2 ms delay (libuv timers may fire up to 1 ms early)');
  assert.deepEqual(result.expectations.map((e) => e.isPass), [true]);
  const counts = JSON.parse(readFileSync(countFile, 'utf8')) as CountReport;
  assert.equal(counts.requests, 40);
});

test('a package agentload-plugin-<name> is found in node_modules from the plan\'s directory up', async () => {
  const dir = join(tmp.dir, 'pkg');
  const pkg = join(dir, 'node_modules', 'agentload-plugin-tally');
  mkdirSync(pkg, { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'agentload-plugin-tally', type: 'module', exports: { '.': { import: './index.mjs' } } }));
  writeFileSync(join(pkg, 'index.mjs'), [
    'import { writeFileSync } from "node:fs";',
    'export function createReporter(options) {',
    '  return { id: "tally", onEnd(r) { writeFileSync(options.file, String(r.summary.overall.count)); } };',
    '}',
  ].join('\n'));
  const tally = join(dir, 'tally.txt');
  const plan = writePlan([`tally: { file: ${tally} }`], join(dir, 'plans', 'nested'));
  const v = await cli(['validate', plan]);
  assert.equal(v.code, 0, v.err.join('\n'));
  assert.match(v.out[0]!, /2 reporter\(s\)/);
  const r = await cli(['run', plan, '--quiet']);
  assert.equal(r.code, 1);
  assert.equal(readFileSync(tally, 'utf8'), '150');
});

/** Expects `validate` to fail with exit 2 and `code`; returns the first stderr line. */
async function validateFails(plan: string, code: string, extra: string[] = []): Promise<string> {
  const { code: exit, err } = await cli(['validate', plan, ...extra]);
  assert.equal(exit, 2, err.join('\n'));
  assert.match(err[0]!, new RegExp(code));
  return err[0]!;
}

test('plugins that cannot be found or break the contract fail validation with one located line (exit 2)', async () => {
  const missing = writePlan(['./nope.ts: {}']);
  const line = planText(server.url, ['./nope.ts: {}']).split('\n').findIndex((l) => l.includes('nope.ts')) + 1;
  assert.match(await validateFails(missing, 'AGENTLOAD_E_PLUGIN_LOAD'), new RegExp(`plan\\.yml:${line}:\\d+ AGENTLOAD_E_PLUGIN_LOAD config\\.plugins\\["\\./nope\\.ts"\\]: plugin \\./nope\\.ts: no such module`));
  assert.match(await validateFails(writePlan(['nosuchplugin: {}']), 'AGENTLOAD_E_PLUGIN_LOAD'), /agentload-plugin-nosuchplugin or agentload-engine-nosuchplugin/);

  const dir = join(tmp.dir, 'bad');
  mkdirSync(join(dir, 'node_modules', 'agentload-engine-broken'), { recursive: true });
  writeFileSync(join(dir, 'node_modules', 'agentload-engine-broken', 'package.json'), JSON.stringify({ name: 'agentload-engine-broken', main: 'index.js' }));
  writeFileSync(join(dir, 'node_modules', 'agentload-engine-broken', 'index.js'), 'exports.createEngine = () => ({ id: "broken", stepKeys: ["x"] });\n');
  writeFileSync(join(dir, 'nothing.mjs'), 'export const hello = 1;\n');
  writeFileSync(join(dir, 'hookless.mjs'), 'export function createReporter() { return { id: "hookless" }; }\n');
  writeFileSync(join(dir, 'throws.mjs'), 'throw new Error("boom at import");\n');
  assert.match(await validateFails(writePlan(['broken: {}'], join(dir, 'a')), 'AGENTLOAD_E_ENGINE_LOAD'), /engine "broken" lacks method\(s\) compileStep, init/);
  assert.match(await validateFails(writePlan(['x: { module: ../nothing.mjs }'], join(dir, 'b')), 'AGENTLOAD_E_PLUGIN_LOAD'), /exports neither createEngine nor createReporter/);
  assert.match(await validateFails(writePlan(['../hookless.mjs: {}'], join(dir, 'c')), 'AGENTLOAD_E_PLUGIN_LOAD'), /has none of onStart, onInterval, onEnd/);
  assert.match(await validateFails(writePlan(['../throws.mjs: {}'], join(dir, 'd')), 'AGENTLOAD_E_PLUGIN_LOAD'), /cannot import it: boom at import/);
  assert.match(await validateFails(writePlan(['html: { title: x }']), 'AGENTLOAD_E_PLUGIN_LOAD'), /html reporter needs option "file"/);
  assert.match(await validateFails(writePlan([]), 'AGENTLOAD_E_PLUGIN_LOAD', ['--reporter', 'nosuch']), /plugin "nosuch" not found/);
  assert.match(await validateFails(writePlan([]), 'AGENTLOAD_E_USAGE', ['--reporter', 'csv:prefix']), /expected options like k=v/);
  assert.match(await validateFails(writePlan([]), 'AGENTLOAD_E_USAGE', ['--prometheus', 'x:y']), /--prometheus expects \[host:\]port/);
});

test('--reporter NAME[:options] parses k=v lists and JSON', () => {
  assert.deepEqual(parseReporterSpec('html'), { name: 'html', options: {} });
  assert.deepEqual(parseReporterSpec('prometheus:port=9464,host=0.0.0.0,lingerMs=15000'), { name: 'prometheus', options: { port: 9464, host: '0.0.0.0', lingerMs: 15000 } });
  assert.deepEqual(parseReporterSpec('./r.ts:{"file":"a:b.json","n":[1]}'), { name: './r.ts', options: { file: 'a:b.json', n: [1] } });
  assert.deepEqual(parseReporterSpec('csv:prefix=out/run,fullHistory=true'), { name: 'csv', options: { prefix: 'out/run', fullHistory: true } });
});

test('console: false in config.plugins switches the built-in console reporter off', async () => {
  const plan = writePlan(['console: false']);
  const { code, out } = await cli(['run', plan]);
  assert.equal(code, 1);
  assert.deepEqual(out, []);
});
