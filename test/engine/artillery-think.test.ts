/**
 * Artillery's templated think (issue 18): `think: "{{ name }}"` and
 * `"{{ $randomNumber(min, max) }}"` wait what the template renders to, read
 * at load when every part of it is known then; a value each user has its own
 * of stops at validate, located. Timing is checked by lower bounds only.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli } from '../cli/cli-fixture.ts';
import { FIX, runArtillery } from './artillery-fixture.ts';
import { startHttpServer } from '../helpers/servers.ts';

function gaps(requests: Array<{ url: string; atMs: number }>): { ab: number; bc: number; cd: number } {
  const at: Record<string, number> = Object.fromEntries(requests.map((q) => [q.url, q.atMs]));
  return { ab: at['/b']! - at['/a']!, bc: at['/c']! - at['/b']!, cd: at['/d']! - at['/c']! };
}

test('templated think: a config variable, an environment variable and $randomNumber(min, max) are waited', async (t) => {
  const srv = await startHttpServer((_req, res) => {
    res.writeHead(200).end('ok');
  });
  t.after(() => srv.close());
  process.env.AGENTLOAD_TEST_THINK = '200ms';
  t.after(() => { delete process.env.AGENTLOAD_TEST_THINK; });
  const r = await runArtillery('think-templated.yml', srv.url);
  assert.equal(r.code, 0, r.out + r.err);
  assert.deepEqual(srv.requests.map((q) => q.url), ['/a', '/b', '/c', '/d']);
  const g = gaps(srv.requests);
  assert.ok(g.ab >= 290, `think "{{ pause }}" (300ms) waited ${g.ab} ms`);
  assert.ok(g.bc >= 190, `think "{{ $processEnvironment.AGENTLOAD_TEST_THINK }}" (200ms) waited ${g.bc} ms`);
  assert.ok(g.cd >= 990, `think "{{ $randomNumber(1, 1) }}" waited ${g.cd} ms`);

  srv.requests.length = 0;
  const longer = await runArtillery('think-templated.yml', srv.url, ['-e', 'longer']);
  assert.equal(longer.code, 0, longer.out + longer.err);
  assert.ok(gaps(srv.requests).ab >= 990, 'the environment\'s pause (1 = one second) replaces config\'s');
});

test('templated think: a value each user has its own of, or an unset environment variable, stops at validate, located', async () => {
  process.env.AGENTLOAD_TEST_THINK = '200ms';
  try {
    const perUser = await cli(['validate', join(FIX, 'think-templated.yml'), '-v', '{"pause":["1s","2s"]}']);
    assert.equal(perUser.code, 2, perUser.out + perUser.err);
    assert.match(perUser.err, /think-templated\.yml:18:16 AGENTLOAD_E_NOT_YET scenarios\[0\]\.flow\[1\]\.think: .*each user has its own/);
  } finally {
    delete process.env.AGENTLOAD_TEST_THINK;
  }
  const unset = await cli(['validate', join(FIX, 'think-templated.yml')]);
  assert.equal(unset.code, 2, unset.out + unset.err);
  assert.match(unset.err, /think-templated\.yml:21:16 AGENTLOAD_E_TEMPLATE scenarios\[0\]\.flow\[3\]\.think: .*AGENTLOAD_TEST_THINK, which is not set/);
  assert.doesNotMatch(unset.err, /NOT_YET/, 'an unset environment variable is not a per-user value');
});
