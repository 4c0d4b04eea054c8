/**
 * Artillery flow control (issue 18): loop with whileTrue, loopValue /
 * loopElement, ifTrue naming a processor function, and parallel. The plans
 * under test/fixtures/artillery are in Artillery's syntax and run against
 * servers on 127.0.0.1; the tests assert what Artillery does: requests sent,
 * values picked, functions called and in what order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProcessorFixture } from './processor-fixture.ts';
import { startHttpServer, type TestServer } from '../helpers/servers.ts';
import { loadPlan } from '../../src/engine/plan/load-plan.ts';
import { compilePlan } from '../../src/engine/compile/compile-plan.ts';
import { HdrSink } from '../../src/engine/metrics/hdr-sink.ts';
import { loadProcessor } from '../../src/engine/processor/load-processor.ts';
import { builtinEngines } from '../../src/engines/index.ts';
import { isAgentloadError } from '../../src/engine/errors.ts';

const FIXTURES = fileURLToPath(new URL('../fixtures/artillery/', import.meta.url));

/** /poll?i=N answers done once N >= 2; /slow/* answers after 150 ms (a token on /slow/token); the rest 200 {}. */
async function server(t: { after(fn: () => Promise<void>): void }): Promise<TestServer & { answeredAtMs: number[] }> {
  const answeredAtMs: number[] = [];
  const s = await startHttpServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    const send = (body: unknown): void => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      answeredAtMs.push(performance.now());
    };
    if (url.pathname === '/poll') return send({ done: Number(url.searchParams.get('i')) >= 2 });
    if (url.pathname.startsWith('/slow/')) return void setTimeout(() => send(url.pathname === '/slow/token' ? { token: 'tk-7' } : {}), 150);
    send({});
  });
  t.after(() => s.close());
  return Object.assign(s, { answeredAtMs });
}

const runFixture = runProcessorFixture;

function paths(s: TestServer, vu: number, prefix: string): string[] {
  return s.requests.map((r) => r.url).filter((u) => u.startsWith(prefix) && (!u.includes('vu=') || u.includes(`vu=${vu}`)));
}

test('whileTrue: the body runs, then the function decides; it takes precedence over count, as in Artillery', async (t) => {
  const s = await server(t);
  const { result, calls } = await runFixture('flow-control.yml', s.url);
  assert.equal(result.summary.counters.vusers_completed, 2);
  for (const vu of [1, 2]) {
    // count: 2 would stop after two polls; whileTrue goes on until the answer says done (i = 2).
    assert.deepEqual(paths(s, vu, '/poll'), [0, 1, 2].map((i) => `/poll?i=${i}&vu=${vu}`));
    // Asked after each iteration, with $loopCount already counting it.
    assert.deepEqual(calls.filter((c) => c.startsWith(`${vu} notDone`)), [
      `${vu} notDone loopCount=1 done=false`, `${vu} notDone loopCount=2 done=false`, `${vu} notDone loopCount=3 done=true`,
    ]);
  }
});

test('loopValue and loopElement name the loop variables', async (t) => {
  const s = await server(t);
  await runFixture('flow-control.yml', s.url);
  const items = s.requests.map((r) => r.url).filter((u) => u.startsWith('/item/'));
  assert.deepEqual(items, ['/item/0/apple', '/item/1/pear', '/item/0/apple', '/item/1/pear']);
});

test('ifTrue naming a processor function: called with the user\'s variables, its return value decides; an expression still works', async (t) => {
  const s = await server(t);
  const { calls } = await runFixture('flow-control.yml', s.url);
  const urls = s.requests.map((r) => r.url);
  assert.deepEqual(urls.filter((u) => u.startsWith('/even/')), ['/even/0', '/even/2', '/even/0', '/even/2']);
  assert.deepEqual(urls.filter((u) => u.startsWith('/maybe/')), ['/maybe/3', '/maybe/3']);
  for (const vu of [1, 2]) assert.deepEqual(calls.filter((c) => c.startsWith(`${vu} isEven`)), [0, 1, 2, 3].map((i) => `${vu} isEven ${i}`));
});

test('whileTrue naming a function the processor does not export is a located validate error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentload-flow-'));
  try {
    const file = join(dir, 'p.yml');
    writeFileSync(file, readFileSync(join(FIXTURES, 'flow-control.yml'), 'utf8').replace('"notDone"', '"nope"').replace('./flow-control.cjs', join(FIXTURES, 'flow-control.cjs')));
    const plan = loadPlan(file, { target: 'http://127.0.0.1:9' });
    return loadProcessor(plan).then((processor) => {
      assert.throws(() => compilePlan(plan, { engines: builtinEngines(), sink: new HdrSink(), processor }), (e: unknown) => {
        const list = ((e as { diagnostics?: unknown[] }).diagnostics ?? [e]) as Array<{ code: string; location?: { line: number; col: number } }>;
        assert.ok(isAgentloadError(list[0]));
        assert.equal(list[0]!.code, 'AGENTLOAD_E_PROCESSOR_FUNCTION');
        assert.deepEqual([list[0]!.location?.line, list[0]!.location?.col], [19, 20]);
        return true;
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('parallel: the requests go out at once, each under its own name; the next step waits for all and sees their captures', async (t) => {
  const s = await server(t);
  const { result } = await runFixture('parallel.yml', s.url);
  assert.equal(result.summary.counters.vusers_completed, 1);
  assert.equal(s.inFlight.max, 3, 'the three parallel requests were in flight together');
  const urls = s.requests.map((r) => r.url);
  assert.deepEqual(urls.slice(0, 3).sort(), ['/slow/a', '/slow/b', '/slow/token']);
  assert.equal(urls[3], '/after?token=tk-7');
  // /after left only once all three had been answered.
  assert.ok(s.requests[3]!.atMs >= Math.max(...s.answeredAtMs.slice(0, 3)));
  const byName = new Map(result.summary.byName.map((r) => [r.name, r.count]));
  for (const name of ['slow a', 'slow b', 'token', 'after']) assert.equal(byName.get(name), 1, name);
});

test('parallel with limit: 1 sends one at a time', async (t) => {
  const s = await server(t);
  const { result } = await runFixture('parallel-limit.yml', s.url);
  assert.equal(result.summary.counters.vusers_completed, 1);
  assert.equal(s.inFlight.max, 1);
  assert.deepEqual(s.requests.map((r) => r.url), ['/slow/1', '/slow/2', '/slow/3', '/after']);
});

test('parallel: a branch whose capture finds nothing fails the user once every branch has ended; the next step is not sent', async (t) => {
  const s = await server(t);
  const { result } = await runFixture('parallel-capture-fails.yml', s.url);
  assert.equal(result.summary.counters.vusers_failed, 1);
  assert.deepEqual(s.requests.map((r) => r.url).sort(), ['/plain', '/slow/a']);
  assert.equal(s.answeredAtMs.length, 2, 'the slow request was answered, not cut off');
});
