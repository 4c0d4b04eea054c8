/**
 * Artillery's scenario `onError` (issue 18): processor functions called as
 * `(err, req, context, events, next)` (or async) when a request gets no
 * answer, after the failure is counted under its cause; then the user's
 * scenario ends. Against a server on 127.0.0.1 that resets the connection.
 * Plan: test/fixtures/artillery/on-error.yml.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { runProcessorFixture, ARTILLERY_FIXTURES } from './processor-fixture.ts';
import { startHttpServer } from '../helpers/servers.ts';
import { agentload } from '../helpers/cli.ts';
import { scratchDir } from '../helpers/scratch-dir.ts';

test('onError: called in order with the error and the request when the connection is reset; the user\'s later steps do not run', async (t) => {
  const server = await startHttpServer((req, res) => {
    if (req.url === '/reset') return void req.socket.resetAndDestroy();
    if (req.url === '/unavailable') return void res.writeHead(503).end('busy');
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
  t.after(() => server.close());
  const { result, calls } = await runProcessorFixture('on-error.yml', server.url);

  const paths = server.requests.map((r) => r.url);
  assert.equal(paths.filter((p) => p === '/ok').length, 3);
  assert.equal(paths.filter((p) => p === '/unavailable').length, 3);
  assert.equal(paths.filter((p) => p === '/reset').length, 3);
  assert.equal(paths.filter((p) => p === '/after').length, 0, 'nothing is sent after the request that got no answer');

  const reset = result.summary.byName.find((n) => n.name === 'reset')!;
  const causes = Object.keys(reset.outcomes.failed ?? {});
  assert.equal(causes.length, 1);
  assert.equal(reset.outcomes.failed![causes[0]!], 3, 'each reset is counted once, under its transport cause');
  assert.ok(causes[0] === 'econnreset' || causes[0] === 'closed_early', causes[0]);

  // Per user: both functions, in order, once; the 503 (an answer) called none; afterScenario did not run.
  assert.equal(calls.length, 6, calls.join('\n'));
  for (const vu of [1, 2, 3]) {
    const mine = calls.filter((c) => c.startsWith(`${vu} `)).map((c) => c.slice(String(vu).length + 1));
    assert.equal(mine.length, 2, calls.join('\n'));
    const code = /code=(\S+)/.exec(mine[0]!)![1];
    assert.equal(mine[0], `logError error=true code=${code} GET /reset args=5`);
    assert.notEqual(code, 'undefined', 'the error carries its code');
    assert.equal(mine[1], `countError code=${code} lastCode=${code} name=reset`, 'the async function ran after the callback one, with the same error');
  }
  const c = result.summary.counters;
  assert.equal(c['errors.seen'], 3);
  assert.equal(c['errors.counted'], 3);
  assert.equal(c.vusers_failed, 3);
  assert.equal(c.processor_errors ?? 0, 0);
});

test('onError: a name the processor does not export is a located validate error', async () => {
  const dir = scratchDir('agentload-on-error-');
  const plan = join(dir, 'plan.yml');
  writeFileSync(plan, [
    'config:',
    '  target: "http://127.0.0.1:9"',
    `  processor: "${join(ARTILLERY_FIXTURES, 'on-error.cjs')}"`,
    'scenarios:',
    '  - onError: "logErorr"',
    '    flow:',
    '      - get:',
    '          url: "/"',
    '',
  ].join('\n'));
  const v = await agentload(['validate', plan]);
  assert.equal(v.code, 2, v.out + v.err);
  assert.match(v.err, /plan\.yml:5:\d+ .*AGENTLOAD_E_PROCESSOR_FUNCTION.*exports no function "logErorr"/);
});
