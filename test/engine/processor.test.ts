/**
 * Artillery processors (issue 18): plans under test/fixtures/artillery run
 * against a server on 127.0.0.1; the processors log each call, so the tests
 * assert which hooks ran, in what order, what they changed in the requests,
 * what they recorded, and that a failing hook ends only its user's scenario.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProcessorFixture } from './processor-fixture.ts';
import { startHttpServer, type TestServer } from '../helpers/servers.ts';
import { loadPlan } from '../../src/engine/plan/load-plan.ts';
import { compilePlan } from '../../src/engine/compile/compile-plan.ts';
import { HdrSink } from '../../src/engine/metrics/hdr-sink.ts';
import { runPlan } from '../../src/engine/run/run-plan.ts';
import { loadProcessor } from '../../src/engine/processor/load-processor.ts';
import { builtinEngines } from '../../src/engines/index.ts';
import { agentload } from '../helpers/cli.ts';
import { PromRunMetrics } from '../../src/plugins/prometheus/run-metrics.ts';
import { scratchDir } from '../helpers/scratch-dir.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/artillery/', import.meta.url));

/** A server that hands out a token at /login and echoes the JSON it got under `got`. */
async function echoServer(t: { after(fn: () => Promise<void>): void }): Promise<TestServer> {
  const server = await startHttpServer((req, res, body) => {
    res.setHeader('content-type', 'application/json');
    res.setHeader('x-server', 'echo');
    if (req.url === '/login') return void res.end(JSON.stringify({ token: 'tok-9' }));
    res.end(JSON.stringify({ got: body === '' ? {} : JSON.parse(body) }));
  });
  t.after(() => server.close());
  return server;
}

const runFixture = runProcessorFixture;

test('hooks run in Artillery\'s order, change what is sent, and emit metrics', async (t) => {
  const server = await echoServer(t);
  const { result, calls } = await runFixture('processor-hooks.yml', server.url);

  // The before flow ran once, first; after ran once, last, with the token before captured.
  assert.equal(calls[0], '0 beforeRun');
  assert.equal(calls.at(-1), '-1 afterRun token=tok-9');
  assert.equal(calls.filter((c) => c.includes('beforeRun')).length, 1);
  // Each user: beforeScenario, function, scenario then request beforeRequest (async one included), afterResponse, afterScenario.
  const users = [...new Set(calls.slice(1, -1).map((c) => c.split(' ')[0]!))];
  assert.equal(users.length, 3);
  for (const u of users) {
    const mine = calls.filter((c) => c.startsWith(`${u} `)).map((c) => c.slice(u.length + 1));
    assert.deepEqual(mine, [
      'startUser', 'setId target=set',
      `scenarioBefore POST /items/${40 + Number(u)}`, 'addHeader', 'rewrite',
      'scenarioAfter 200', 'readResponse',
      `scenarioBefore GET /echo?seen=200-echo-from-hook`, 'scenarioAfter 200',
      'endUser',
    ]);
  }
  // What the hooks changed is what the server received.
  const posts = server.requests.filter((r) => r.url.startsWith('/items/'));
  assert.equal(posts.length, 3);
  for (const p of posts) {
    assert.match(p.url, /^\/items\/4\d\?v=2$/);
    assert.deepEqual(JSON.parse(p.body), { token: 'tok-9', extra: 'from-hook' });
    assert.equal(p.headers['x-signed'], 'tok-9:stamp-1');
    assert.equal(p.headers['content-type'], 'application/json');
    assert.equal(p.headers['x-templated'], `user-${p.url.slice(7, 9)}`);
  }
  assert.equal(server.requests.filter((r) => r.url === '/echo?seen=200-echo-from-hook').length, 3);
  // Emitted counters and histograms are in the summary; the histogram is not counted as a request.
  const c = result.summary.counters;
  assert.equal(c['users.started'], 3);
  assert.equal(c['responses.read'], 3);
  assert.equal(c.vusers_completed, 3);
  const items = result.summary.byName.find((s) => s.name === 'user.items');
  assert.equal(items?.count, 3);
  assert.equal(items?.tags.custom, 'histogram');
  assert.ok(Math.abs(items!.latencyMs.p50 - 2.5) < 0.01, `p50 ${items!.latencyMs.p50}`);
  // login (before) + 3 × (post + get): the histogram's 3 samples are not requests.
  assert.equal(result.summary.overall.count, 7);
});

test('a failing hook ends that user\'s scenario, is counted, and the run goes on', async (t) => {
  const server = await echoServer(t);
  const { result, logs } = await runFixture('processor-failing.yml', server.url);
  const c = result.summary.counters;
  assert.equal(c.vusers_created, 4);
  assert.equal(c.vusers_failed, 4);
  assert.equal(c.vusers_completed ?? 0, 0);
  assert.equal(c['processor_errors:throwsSometimes'], 2);
  assert.equal(c['processor_errors:rejects'], 2);
  assert.equal(c.processor_errors, 4);
  // Odd users never sent /first (their beforeRequest threw); even ones sent /first and /second, and nobody /never.
  const count = (url: string): number => server.requests.filter((r) => r.url === url).length;
  assert.equal(count('/first'), 2);
  assert.equal(count('/second'), 2);
  assert.equal(count('/never'), 0);
  assert.equal(result.summary.overall.errors, 0);
  // One message per function, however often it failed.
  assert.equal(logs.filter((l) => l.includes('processor function throwsSometimes failed')).length, 1);
  assert.ok(logs.some((l) => /processor function rejects failed .*async failure of user \d/.test(l)));
});

test('a TypeScript processor: async beforeRequest sets the query, next(err) fails the user', async (t) => {
  const server = await echoServer(t);
  const { result } = await runFixture('processor-ts.yml', server.url);
  const searches = server.requests.filter((r) => r.url.startsWith('/search')).map((r) => r.url).sort();
  assert.deepEqual(searches, ['/search?term=q1', '/search?term=q2']);
  assert.equal(server.requests.filter((r) => r.url === '/unreached').length, 0);
  assert.equal(result.summary.counters['queries.picked'], 2);
  assert.equal(result.summary.counters['processor_errors:nextWithError'], 2);
  assert.equal(result.summary.counters.vusers_failed, 2);
});

test('validate: a name the processor does not export, or no processor at all, stops at its line (exit 2)', async () => {
  const dir = scratchDir('agentload-processor-');
  writeFileSync(join(dir, 'p.cjs'), 'module.exports = { known(context, events, next) { next(); } };\n');
  const plan = (extra: string): string => `config:\n  target: "http://127.0.0.1:9"\n  phases: [{ duration: 1, arrivalRate: 1 }]\n${extra}scenarios:\n  - name: s\n    flow:\n      - function: "unknwn"\n`;
  writeFileSync(join(dir, 'missing.yml'), plan('  processor: "./p.cjs"\n'));
  writeFileSync(join(dir, 'none.yml'), plan(''));
  writeFileSync(join(dir, 'nofile.yml'), plan('  processor: "./nope.js"\n'));
  // One validate of the three: every invalid plan is reported, each at its own line.
  const v = await agentload(['validate', join(dir, 'missing.yml'), join(dir, 'none.yml'), join(dir, 'nofile.yml')]);
  assert.equal(v.code, 2);
  assert.match(v.err, /missing\.yml:8:\d+ .*AGENTLOAD_E_PROCESSOR_FUNCTION.*exports no function "unknwn"; it exports known/);
  assert.match(v.err, /none\.yml:7:\d+ .*AGENTLOAD_E_PROCESSOR_FUNCTION.*no config\.processor/);
  assert.match(v.err, /nofile\.yml:4:\d+ .*AGENTLOAD_E_PROCESSOR_LOAD/);
});

test('the CLI: --workers 2 loads the processor in each worker; emitted metrics reach the JSON, CSV, HTML and console reports', async (t) => {
  const server = await echoServer(t);
  const dir = scratchDir('agentload-processor-');
  const out = join(dir, 'out.json');
  const run = await agentload(['run', join(FIXTURES, 'processor-workers.yml'), '--target', server.url, '--workers', '2', '--output', out, '--csv', join(dir, 'r'), '--html', join(dir, 'r.html')]);
  assert.equal(run.code, 0, run.err);
  const result = JSON.parse(readFileSync(out, 'utf8')) as { summary: { counters: Record<string, number>; byName: Array<{ name: string; count: number; latencyMs: { min: number; max: number } }>; overall: { count: number } } };
  assert.equal(result.summary.counters['work.done'], 8);
  assert.equal(result.summary.counters['status.200'], 8);
  const size = result.summary.byName.find((s) => s.name === 'work.size')!;
  assert.equal(size.count, 8);
  // HDR buckets keep three significant digits.
  assert.ok(Math.abs(size.latencyMs.min - 10) < 0.02 && Math.abs(size.latencyMs.max - 11) < 0.02, JSON.stringify(size.latencyMs));
  assert.equal(result.summary.overall.count, 8);
  assert.match(readFileSync(join(dir, 'r_stats.csv'), 'utf8'), /work\.size/);
  const html = readFileSync(join(dir, 'r.html'), 'utf8');
  assert.match(html, /work\.size/);
  assert.match(html, /work\.done/);
  assert.match(run.out + run.err, /counters: status\.200 8 · work\.done 8/);
  assert.match(run.out + run.err, /PASS\s+counter work\.done\s+8/);
});

test('Prometheus: a counter named the Artillery way (dots) is exported with underscores, not dropped', async () => {
  const sink = new HdrSink();
  sink.add('orders.created', 2);
  const prom = new PromRunMetrics();
  prom.onInterval(sink.snapshot(0, 1000, null));
  assert.match(await prom.registry.metrics(), /^agentload_orders_created_total 2$/m);
});

test('--workers 2: the top-level before and after flows run once, in the main thread, and every worker\'s users get before\'s variables', async (t) => {
  const server = await echoServer(t);
  const log = join(scratchDir('agentload-processor-'), 'calls.log');
  writeFileSync(log, '');
  process.env.PROCESSOR_TEST_LOG = log;
  const run = await agentload(['run', join(FIXTURES, 'processor-hooks.yml'), '--target', server.url, '--workers', '2']);
  assert.equal(run.code, 0, run.err);
  const calls = readFileSync(log, 'utf8').trim().split('\n');
  assert.equal(calls.filter((c) => c.endsWith('beforeRun')).length, 1);
  assert.deepEqual(calls.filter((c) => c.includes('afterRun')), ['-1 afterRun token=tok-9']);
  assert.equal(server.requests.filter((r) => r.url === '/login').length, 1);
  const posts = server.requests.filter((r) => r.url.startsWith('/items/'));
  assert.equal(posts.length, 3);
  for (const p of posts) assert.equal(p.headers['x-signed'], 'tok-9:stamp-1');
});

test('a before flow whose function fails stops the run before any user starts (AGENTLOAD_E_BEFORE_FLOW, exit 3)', async (t) => {
  const server = await echoServer(t);
  const dir = scratchDir('agentload-processor-');
  // Coloured as test libraries colour their messages for a terminal: the log line must be plain text.
  writeFileSync(join(dir, 'p.cjs'), 'module.exports = { async boom() { throw new Error("\\u001b[31mno token\\u001b[39m today"); } };\n');
  writeFileSync(join(dir, 'plan.yml'), `config:\n  target: "${server.url}"\n  phases: [{ duration: 1, arrivalCount: 3 }]\n  processor: "./p.cjs"\nbefore:\n  flow:\n    - function: "boom"\nscenarios:\n  - name: s\n    flow:\n      - get: { url: "/never" }\n`);
  const run = await agentload(['run', join(dir, 'plan.yml')]);
  assert.equal(run.code, 3, run.err);
  assert.match(run.err, /AGENTLOAD_E_BEFORE_FLOW/);
  assert.match(run.err, /processor function boom failed .*no token today/);
  assert.doesNotMatch(run.err, /\u001b\[/, 'no terminal colour codes in the log');
  assert.equal(server.requests.length, 0);
});

test('a beforeRequest still running when the run ends sends nothing afterwards', async (t) => {
  const server = await echoServer(t);
  const dir = scratchDir('agentload-processor-');
  writeFileSync(join(dir, 'p.cjs'), 'module.exports = { async slow() { await new Promise((r) => setTimeout(r, 1500)); } };\n');
  writeFileSync(join(dir, 'plan.yml'), `config:\n  target: "${server.url}"\n  grace: 200ms\n  phases: [{ duration: 1, arrivalCount: 1 }]\n  processor: "./p.cjs"\nscenarios:\n  - name: s\n    flow:\n      - get: { url: "/late", beforeRequest: "slow" }\n`);
  const plan = loadPlan(join(dir, 'plan.yml'));
  const sink = new HdrSink();
  const compiled = compilePlan(plan, { engines: builtinEngines(), sink, processor: await loadProcessor(plan) });
  const result = await runPlan(compiled, { sink, reporters: [], log: () => {} });
  assert.equal(result.summary.counters.vusers_incomplete, 1);
  // The hook ends after the engines closed: its request must not reach the target.
  await new Promise((r) => setTimeout(r, 2000));
  assert.equal(server.requests.filter((r) => r.url === '/late').length, 0);
});

test('a static request: hooks change a copy of its json and qs; the next request sends the plan\'s own body', async (t) => {
  const server = await echoServer(t);
  const { result } = await runFixture('processor-static.yml', server.url);
  const pets = server.requests.filter((r) => r.url.startsWith('/pets'));
  assert.equal(pets.length, 4);
  const first = pets.filter((r) => r.url === '/pets?kind=large');
  assert.equal(first.length, 2);
  for (const p of first) assert.deepEqual(JSON.parse(p.body), { species: 'pony', name: 'Renamed' });
  for (const p of pets.filter((r) => r.url === '/pets')) assert.deepEqual(JSON.parse(p.body), { species: 'pony', name: 'Tiki' });
  assert.equal(result.summary.counters.pets_created, 4);
  assert.equal(result.summary.counters.vusers_completed, 2);
});

test('closed model: beforeScenario runs once per user before its first iteration, afterScenario once after its last', async (t) => {
  const server = await echoServer(t);
  const dir = scratchDir('agentload-processor-');
  writeFileSync(join(dir, 'p.cjs'), [
    'const counts = { start: 0, iter: 0, end: 0 };',
    'module.exports = {',
    '  start(c, e, next) { counts.start++; e.emit("counter", "starts", 1); next(); },',
    '  iter(c, e, next) { e.emit("counter", "iterations", 1); next(); },',
    '  end(c, e, next) { e.emit("counter", "ends", 1); next(); },',
    '};',
  ].join('\n'));
  writeFileSync(join(dir, 'plan.yml'), `config:\n  target: "${server.url}"\n  phases: [{ duration: 1, users: 2, spawnRate: 100 }]\n  processor: "./p.cjs"\nscenarios:\n  - name: s\n    beforeScenario: start\n    afterScenario: end\n    flow:\n      - function: iter\n      - get: { url: "/x" }\n      - think: 50ms\n`);
  const plan = loadPlan(join(dir, 'plan.yml'));
  const sink = new HdrSink();
  const result = await runPlan(compilePlan(plan, { engines: builtinEngines(), sink, processor: await loadProcessor(plan) }), { sink, reporters: [], log: () => {} });
  const c = result.summary.counters;
  assert.equal(c.starts, 2);
  assert.equal(c.ends, 2);
  assert.ok(c.iterations! > 2, `iterations ${c.iterations}`);
  assert.equal(c.iterations, result.summary.overall.count);
  assert.equal(c.vusers_completed, 2);
});
