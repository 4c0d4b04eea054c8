/**
 * Artillery's capture and legacy match read the answer whatever its status,
 * and a capture with `strict: false` that finds nothing fails nothing
 * (issue 18). A server on 127.0.0.1 counts what each user sent.
 * Plans: test/fixtures/artillery/match-on-error-status.yml, capture-not-strict.yml.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runArtillery } from './artillery-fixture.ts';
import { startHttpServer } from '../helpers/servers.ts';

function byName(result: any): Record<string, any> {
  return Object.fromEntries(result.summary.byName.map((n: any) => [n.name, n]));
}

test('a match and a capture on a 404 and a 500: the body is read; a failed match on the 500 ends the user', async (t) => {
  const srv = await startHttpServer((req, res) => {
    if (req.url === '/missing') res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"gone"}');
    else if (req.url === '/broken') res.writeHead(500, { 'content-type': 'application/json' }).end('{"error":"boom"}');
    else res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  t.after(() => srv.close());
  const r = await runArtillery('match-on-error-status.yml', srv.url);
  assert.ok(r.result !== null, r.err);
  const sent = (url: string) => srv.requests.filter((q) => q.url === url).length;
  assert.equal(sent('/missing'), 3);
  assert.equal(sent('/after-404?why=gone'), 3, 'the value captured from the 404, and its match held: the flow goes on');
  assert.equal(sent('/broken'), 3);
  assert.equal(sent('/never'), 0, 'the match that failed on the 500 ended the scenario');
  assert.equal(r.result.summary.counters.vusers_failed, 3);
  const n = byName(r.result);
  assert.deepEqual(n['GET /missing'].outcomes.failed, { http_404: 3 }, 'the 404 itself is still a failed request');
  assert.deepEqual(n['GET /broken'].outcomes.failed, { http_500: 3 });
});

test('capture strict: false finds nothing: the variable stays unset, nothing fails, the next steps are sent', async (t) => {
  const srv = await startHttpServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"u7"}');
  });
  t.after(() => srv.close());
  const r = await runArtillery('capture-not-strict.yml', srv.url);
  assert.equal(r.code, 0, r.out + r.err);
  const sent = (url: string) => srv.requests.filter((q) => q.url === url).length;
  assert.equal(sent('/login'), 3);
  assert.equal(sent('/next?id=u7&token=unset'), 3, 'the strict capture beside it still captured; token was left unset');
  assert.equal(r.result.summary.counters.vusers_failed ?? 0, 0);
  assert.equal(r.result.summary.counters.vusers_completed, 3);
  assert.equal(byName(r.result)['GET /login'].ok, 3, 'a non-strict capture that found nothing fails nothing');
  assert.equal(r.result.summary.counters['captures_missed:token'], 3, 'each miss is counted under the variable, so the empty value is not silent');
  assert.equal(r.result.summary.counters['captures_missed:id'], undefined, 'a strict capture has no miss counter');
});

test('config.defaults.strictCapture: false: a capture without strict goes on; strict: true still ends the user', async (t) => {
  const srv = await startHttpServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  t.after(() => srv.close());
  const r = await runArtillery('capture-default-not-strict.yml', srv.url);
  assert.ok(r.result !== null, r.err);
  const sent = (url: string) => srv.requests.filter((q) => q.url === url).length;
  assert.equal(sent('/a'), 2);
  assert.equal(sent('/b'), 2, 'the non-strict capture by default let the flow go on');
  assert.equal(sent('/c'), 0, 'the strict: true capture that found nothing ended it');
  assert.equal(r.result.summary.counters.vusers_failed, 2);
  const n = byName(r.result);
  assert.equal(n['GET /a'].ok, 2);
  assert.deepEqual(n['GET /b'].outcomes.failed, { capture: 2 });
});
