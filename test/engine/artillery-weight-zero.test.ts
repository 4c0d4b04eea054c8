/**
 * Artillery's scenario `weight: 0` (issue 18): valid, and that scenario is
 * never picked (Artillery's picker gives a scenario weight × 100 slots); a
 * plan whose every scenario has weight 0 is a located plan error (Artillery
 * crashes at its first arrival). Plan: test/fixtures/artillery/scenario-weight-zero.yml.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli } from '../cli/cli-fixture.ts';
import { FIX, runArtillery } from './artillery-fixture.ts';
import { startHttpServer } from '../helpers/servers.ts';

test('weight 0: the scenario is never picked; every user runs the other', async (t) => {
  const srv = await startHttpServer((_req, res) => {
    res.writeHead(200).end('ok');
  });
  t.after(() => srv.close());
  const r = await runArtillery('scenario-weight-zero.yml', srv.url);
  assert.equal(r.code, 0, r.out + r.err);
  assert.equal(srv.requests.filter((q) => q.url === '/always').length, 20);
  assert.equal(srv.requests.filter((q) => q.url === '/never').length, 0);
  assert.equal(r.result.summary.counters.vusers_created, 20);
});

test('weight 0 on every scenario: AGENTLOAD_E_SCHEMA at the first weight, exit 2', async () => {
  const r = await cli(['validate', join(FIX, 'scenario-weight-zero.yml'), '--overrides', JSON.stringify({ scenarios: [{ name: 'never', weight: 0, flow: [{ get: { url: '/never' } }] }, { name: 'always', weight: 0, flow: [{ get: { url: '/always' } }] }] })]);
  assert.equal(r.code, 2, r.out + r.err);
  assert.match(r.err, /scenario-weight-zero\.yml:9:13 AGENTLOAD_E_SCHEMA scenarios\[0\]\.weight: every scenario has weight 0, so no user would ever start one; give at least one scenario a weight above 0/);
});
