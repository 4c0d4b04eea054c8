/**
 * Forms found by running public Artillery scripts through agentload
 * (scripts/artillery-realworld.sh, issue 18): each is what Artillery does
 * with them, checked against a server on 127.0.0.1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli } from '../cli/cli-fixture.ts';
import { FIX, runArtillery } from './artillery-fixture.ts';
import { okJson, startHttpServer } from '../helpers/servers.ts';

test('{{ target }}, an environment-read config variable, a scenario description and arrivalCount over rampTo run as in Artillery', async (t) => {
  const srv = await startHttpServer(okJson);
  t.after(() => srv.close());
  process.env.AGENTLOAD_FIXTURE_TOKEN = 'tok-123';
  t.after(() => delete process.env.AGENTLOAD_FIXTURE_TOKEN);
  const r = await runArtillery('realworld-forms.yml', srv.url, ['-e', 'staging']);
  assert.equal(r.code, 0, r.out + r.err);
  // arrivalCount: 3 wins over arrivalRate 40 / rampTo 80, as Artillery's phase order has it.
  assert.equal(srv.requests.length, 3);
  for (const q of srv.requests) {
    // The target variable holds the run's target (--target here), so the URL lands on this server.
    assert.equal(q.url, '/catalogue');
    assert.equal(q.headers.authorization, 'Bearer tok-123');
    assert.equal(q.headers['x-greeting'], 'hello-staging');
  }
});

test('a config variable whose environment variable is not set stops at validate, located', async () => {
  delete process.env.AGENTLOAD_FIXTURE_UNSET_KEY;
  const v = await cli(['validate', join(FIX, 'realworld-unset-variable.yml')]);
  assert.equal(v.code, 2, v.out + v.err);
  assert.match(v.err, /realworld-unset-variable\.yml:5:13 AGENTLOAD_E_TEMPLATE config\.variables\.apiKey: .*not set/);
});

test("Artillery's publish-metrics plugin is left out with a warning naming the alternative, and the load is sent; --strict stops", async (t) => {
  const srv = await startHttpServer(okJson);
  t.after(() => srv.close());
  const v = await cli(['validate', join(FIX, 'realworld-publish-metrics.yml')]);
  assert.equal(v.code, 0, v.out + v.err);
  assert.match(v.err, /realworld-publish-metrics\.yml:7:5 warning AGENTLOAD_W_IGNORED_PLUGIN config\.plugins\.publish-metrics: .*does not send them.*--prometheus/);
  const r = await runArtillery('realworld-publish-metrics.yml', srv.url);
  assert.equal(r.code, 0, r.out + r.err);
  assert.equal(srv.requests.length, 1);
  const s = await cli(['validate', '--strict', join(FIX, 'realworld-publish-metrics.yml')]);
  assert.equal(s.code, 2, s.out + s.err);
  assert.match(s.err, /realworld-publish-metrics\.yml:7:5 AGENTLOAD_E_NOT_YET config\.plugins\.publish-metrics: /);
});

test('a random think with a unit after the template ("{{ $randomNumber(150, 200) }}ms") waits that long, in that unit', async (t) => {
  const srv = await startHttpServer(okJson);
  t.after(() => srv.close());
  const r = await runArtillery('realworld-think-unit.yml', srv.url);
  assert.equal(r.code, 0, r.out + r.err);
  const firsts = srv.requests.filter((q) => q.url === '/first');
  const seconds = srv.requests.filter((q) => q.url === '/second');
  // Both users sent both requests within the 5 s grace: the unit was read as ms, not seconds.
  assert.equal(firsts.length, 2);
  assert.equal(seconds.length, 2);
  const gaps = seconds.map((s) => s.atMs).sort((a, b) => a - b).map((s, i) => s - firsts.map((f) => f.atMs).sort((a, b) => a - b)[i]!);
  for (const g of gaps) assert.ok(g >= 150, `gap ${g} ms`);
});

test('a processor set only under one environment: that environment runs the hook; another stops at validate naming it', async (t) => {
  const srv = await startHttpServer(okJson);
  t.after(() => srv.close());
  const load = await cli(['validate', join(FIX, 'realworld-env-processor.yml'), '-e', 'load']);
  assert.equal(load.code, 2, load.out + load.err);
  assert.match(load.err, /realworld-env-processor\.yml:19:26 AGENTLOAD_E_PROCESSOR_FUNCTION .*only in environment "checked": run with -e checked/);
  const checked = await runArtillery('realworld-env-processor.yml', srv.url, ['-e', 'checked']);
  assert.equal(checked.code, 0, checked.out + checked.err);
  assert.deepEqual(srv.requests.map((q) => q.headers['x-marked']), ['yes', 'yes']);
});

test('{{ target }} with the target only under environments: validate names them and the -e that sets it', async () => {
  const none = await cli(['validate', join(FIX, 'realworld-target-in-env.yml')]);
  assert.equal(none.code, 2, none.out + none.err);
  assert.match(none.err, /realworld-target-in-env\.yml:9:16 AGENTLOAD_E_TEMPLATE .*"target".*only under environments smoke: pass -e smoke or --target URL/);
  const smoke = await cli(['validate', join(FIX, 'realworld-target-in-env.yml'), '-e', 'smoke']);
  assert.equal(smoke.code, 0, smoke.out + smoke.err);
});

test('a $ function Artillery does not have stops at validate naming it, once, with the functions it has', async () => {
  const v = await cli(['validate', join(FIX, 'realworld-unknown-function.yml')]);
  assert.equal(v.code, 2, v.out + v.err);
  assert.match(v.err, /realworld-unknown-function\.yml:9:19 AGENTLOAD_E_TEMPLATE .*calls \$randomInt\(\), which Artillery does not have.*\$randomNumber\(min, max\)/);
  assert.doesNotMatch(v.err, /Parse error/);
});
