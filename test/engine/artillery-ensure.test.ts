/**
 * Artillery's ensure conditions as real scripts write them (issue 18):
 * `vusers.failed == 0`, user counters with any comparator, and
 * `plugins.expect.failed == 0`, against a server on 127.0.0.1 that answers
 * well or badly on demand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli } from '../cli/cli-fixture.ts';
import { FIX, runArtillery } from './artillery-fixture.ts';
import { startHttpServer } from '../helpers/servers.ts';

/** Each expectation's name and verdict. */
function verdicts(result: any): Record<string, boolean> {
  return Object.fromEntries(result.expectations.map((e: { name: string; isPass: boolean }) => [e.name, e.isPass]));
}

test('ensure conditions: vusers.failed == 0 and vusers counters hold on a good run, exit 0', async (t) => {
  const srv = await startHttpServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":1}');
  });
  t.after(() => srv.close());
  const r = await runArtillery('ensure-conditions.yml', srv.url);
  assert.equal(r.code, 0, r.out + r.err);
  const v = verdicts(r.result);
  const names = Object.keys(v).join(' | ');
  assert.ok(Object.keys(v).some((n) => /vusers_failed/.test(n)), names);
  assert.ok(Object.keys(v).some((n) => /vusers_completed/.test(n)), names);
  assert.ok(Object.keys(v).some((n) => /vusers_created/.test(n)), names);
  assert.ok(Object.keys(v).some((n) => /expect_status/.test(n)), names);
  assert.ok(Object.keys(v).some((n) => /status 200/.test(n)) && Object.keys(v).some((n) => /status 500/.test(n)), names);
  assert.ok(Object.values(v).every((p) => p), names);
});

test('ensure conditions: failed users fail vusers.failed == 0 and vusers.completed >= 3; a failed check fails plugins.expect.failed == 0', async (t) => {
  const srv = await startHttpServer((_req, res) => {
    res.writeHead(201, { 'content-type': 'application/json' }).end('{}');
  });
  t.after(() => srv.close());
  const r = await runArtillery('ensure-conditions.yml', srv.url);
  assert.equal(r.code, 1, r.out + r.err);
  assert.equal(r.result.summary.counters.vusers_failed, 3, 'the capture found nothing: each user failed');
  const v = verdicts(r.result);
  const failed = Object.keys(v).filter((n) => !v[n]).join(' | ');
  assert.match(failed, /vusers_failed/);
  assert.match(failed, /vusers_completed/);
  assert.match(failed, /expect_status/, 'statusCode 200 got 201');
  assert.match(failed, /status 200/, 'no response was a 200');
  assert.doesNotMatch(failed, /vusers_created/, 'three users were created all the same');
  assert.doesNotMatch(failed, /status 500/, 'and none a 500');
});

test('ensure conditions: a ratio of counters stops at validate, located; expect.statuses takes status codes only', async () => {
  const r = await cli(['validate', join(FIX, 'ensure-conditions.yml'), '--overrides', '{"config":{"plugins":{"ensure":{"conditions":[{"expression":"http.codes.200 / http.requests > 0.95"}]}}}}']);
  assert.equal(r.code, 2, r.out + r.err);
  assert.match(r.err, /AGENTLOAD_E_NOT_YET config\.plugins\.ensure\.conditions\[0\]\.expression: .*http\.codes\.200 \/ http\.requests/);
  const bad = await cli(['validate', join(FIX, 'ensure-conditions.yml'), '--overrides', '{"config":{"expect":{"statuses":{"ok":0}}}}']);
  assert.equal(bad.code, 2, bad.out + bad.err);
  assert.match(bad.err, /AGENTLOAD_E_PLAN_EXPECT config\.expect\.statuses\.ok: expected an HTTP status code/);
});
