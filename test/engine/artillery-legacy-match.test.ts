/**
 * Artillery's legacy `match` on an HTTP request (issue 18): a failed strict
 * match ends the user's scenario, as Artillery's http engine does ('Failed
 * capture or match'); `strict: false` lets the flow go on. A server on
 * 127.0.0.1 counts what each user sent. Plan: test/fixtures/artillery/match-ends-scenario.yml.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runArtillery } from './artillery-fixture.ts';
import { startHttpServer } from '../helpers/servers.ts';

test('a failed legacy match ends the scenario: nothing after it is sent, the user counts in vusers_failed', async (t) => {
  const srv = await startHttpServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"busy"}');
  });
  t.after(() => srv.close());
  const r = await runArtillery('match-ends-scenario.yml', srv.url);
  assert.ok(r.result !== null, r.err);
  const sent = (url: string) => srv.requests.filter((q) => q.url === url).length;
  assert.equal(sent('/soft'), 3);
  assert.equal(sent('/one'), 3, 'a strict: false mismatch goes on');
  assert.equal(sent('/two'), 3);
  assert.equal(sent('/three'), 0, 'nothing after the failed match');
  assert.equal(r.result.summary.counters.vusers_failed, 3);
  const byName = Object.fromEntries(r.result.summary.byName.map((n: any) => [n.name, n]));
  assert.equal(byName['GET /one'].ok, 3);
  assert.deepEqual(byName['GET /two'].outcomes.failed, { expect_json: 3 });
});

test('a legacy match next to expect plugin checks: both are checked, in the map and the list form', async (t) => {
  const srv = await startHttpServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"busy"}');
  });
  t.after(() => srv.close());
  const r = await runArtillery('match-with-expect.yml', srv.url);
  assert.ok(r.result !== null, r.err);
  const byName = Object.fromEntries(r.result.summary.byName.map((n: any) => [n.name, n]));
  assert.equal(byName['GET /map'].ok, 2);
  assert.deepEqual(byName['GET /list'].outcomes.failed, { expect_status: 2 }, 'the list\'s statusCode is checked, not dropped');
});
