/**
 * Artillery's expect plugin (issue 18): the checks notStatusCode, cdnHit and
 * jmespath, and the plugin's options, against a purpose-built server on
 * 127.0.0.1. What passes and what fails is what artillery-plugin-expect
 * decides: a JMESPath result is tested for JavaScript truthiness, cdnHit
 * reads cf-cache-status / x-cache / x-vercel-cache by their start.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli } from '../cli/cli-fixture.ts';
import { FIX, runArtillery } from './artillery-fixture.ts';
import { startHttpServer } from '../helpers/servers.ts';

const DOC = JSON.stringify({ items: [{ id: 7 }], count: 1, empty: [] });

/** /ok: a CloudFront-style hit; /miss: a Cloudflare miss; /nocache: no cache header; /text: not JSON; /gone: 404; /created: 201. */
function target() {
  return startHttpServer((req, res) => {
    const json = { 'content-type': 'application/json' };
    if (req.url === '/ok') res.writeHead(200, { ...json, 'x-cache': 'Hit from cloudfront' }).end(DOC);
    else if (req.url === '/miss') res.writeHead(200, { ...json, 'cf-cache-status': 'MISS' }).end(DOC);
    else if (req.url === '/nocache') res.writeHead(200, json).end(DOC);
    else if (req.url === '/text') res.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
    else if (req.url === '/created') res.writeHead(201, json).end(DOC);
    else res.writeHead(404, json).end('{}');
  });
}

function byName(result: any): Record<string, any> {
  return Object.fromEntries(result.summary.byName.map((n: any) => [n.name, n]));
}

test('expect plugin: notStatusCode, cdnHit and jmespath pass and fail as the plugin decides, each failure counted under its cause, exit 1', async (t) => {
  const srv = await target();
  t.after(() => srv.close());
  const r = await runArtillery('expect-plugin-checks.yml', srv.url);
  assert.equal(r.code, 1, r.out + r.err);
  assert.equal(srv.requests.length, 16, 'two users, eight requests each: a failed check does not end the scenario');
  const n = byName(r.result);
  assert.equal(n.hit.ok, 2, 'a status not listed, an x-cache hit, two truthy expressions');
  assert.equal(n.miss.ok, 2, 'a cf-cache-status miss; jpath `empty` is [], truthy in JavaScript as in the plugin');
  assert.equal(n['not-ok'].ok, 2, '201 is not the excluded 200');
  assert.deepEqual(n['no-cache-header'].outcomes.failed, { expect_cdn: 2 });
  assert.deepEqual(n['jmespath-false'].outcomes.failed, { expect_jmespath: 2 });
  assert.deepEqual(n['jmespath-not-json'].outcomes.failed, { expect_jmespath: 2 }, 'a body that is not JSON is no object to search');
  assert.deepEqual(n['not-gone'].outcomes.failed, { http_404: 2 }, 'the templated exclusion renders the user\'s 404');
  assert.deepEqual(n['not-created'].outcomes.failed, { expect_status: 2 });
  for (const name of ['hit', 'miss', 'not-ok']) assert.deepEqual(n[name].outcomes.failed ?? {}, {}, name);
});

test('expect plugin reportFailuresAsErrors: the first failed check ends the user\'s scenario as failed', async (t) => {
  const srv = await target();
  t.after(() => srv.close());
  const r = await runArtillery('expect-plugin-checks.yml', srv.url, ['--overrides', '{"config":{"plugins":{"expect":{"reportFailuresAsErrors":true}}}}']);
  assert.equal(r.code, 1, r.out + r.err);
  const perUrl: Record<string, number> = {};
  for (const q of srv.requests) perUrl[q.url] = (perUrl[q.url] ?? 0) + 1;
  assert.deepEqual(perUrl, { '/ok': 2, '/miss': 2, '/nocache': 2 }, 'nothing after the failing /nocache');
  const n = byName(r.result);
  assert.equal(n.hit.ok, 2);
  assert.deepEqual(n['no-cache-header'].outcomes.failed, { expect_cdn: 2 });
  assert.equal(n['jmespath-false'].count, 0, 'never sent');
  assert.equal(r.result.summary.counters.vusers_failed, 2);
});

test('expect plugin expectDefault200: requests with no checks must answer 200; a request with its own checks keeps them', async (t) => {
  const srv = await target();
  t.after(() => srv.close());
  const r = await runArtillery('expect-plugin-options.yml', srv.url);
  assert.equal(r.code, 1, r.out + r.err);
  const n = byName(r.result);
  assert.equal(n['plain-ok'].ok, 3);
  assert.deepEqual(n['plain-created'].outcomes.failed, { expect_status: 3 }, '201 is not the default 200');
  assert.deepEqual(n['empty-list'].outcomes.failed, { expect_status: 3 }, 'an empty list is no checks');
  assert.equal(n['own-checks'].ok, 3);
  // Without the option the same 201s pass, as in Artillery.
  const off = await runArtillery('expect-plugin-options.yml', srv.url, ['--overrides', '{"config":{"plugins":{"expect":{"expectDefault200":false}}}}']);
  assert.equal(off.code, 0, off.out + off.err);
  assert.equal(byName(off.result)['plain-created'].ok, 3);
});

test('expect plugin: outputFormat json and a JMESPath that does not parse stop at validate, located, exit 2', async () => {
  const json = await cli(['validate', join(FIX, 'expect-plugin-unsupported.yml')]);
  assert.equal(json.code, 2, json.out + json.err);
  assert.match(json.err, /expect-plugin-unsupported\.yml:6:7 AGENTLOAD_E_NOT_YET .*outputFormat: json.*-o FILE/);
  const bad = await cli(['validate', join(FIX, 'expect-plugin-bad-jmespath.yml')]);
  assert.equal(bad.code, 2, bad.out + bad.err);
  assert.match(bad.err, /expect-plugin-bad-jmespath\.yml:11:\d+ .*invalid JMESPath expression/);
});
