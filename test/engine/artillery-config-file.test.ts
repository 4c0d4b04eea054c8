/**
 * Artillery's `--config FILE` (issue 18): a config-only file merged into a
 * scenarios-only script, the layout of Artillery's
 * examples/multiple-scenario-specs. The config file's values win where both
 * set one (Artillery merges it last), its processor is found next to it, and
 * an error in it is located in it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tempDir } from '../cli/cli-fixture.ts';
import { startHttpServer } from '../helpers/servers.ts';

const DIR = join(import.meta.dirname, '../fixtures/artillery/config-file');

test('run --config merges the config file into a scenarios-only script: its phases, variables (winning), processor and plugins', async (t) => {
  const srv = await startHttpServer((_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  t.after(() => srv.close());
  const { dir, cleanup } = tempDir('config-file');
  t.after(cleanup);
  const out = join(dir, 'r.json');
  const r = await cli(['run', '--config', join(DIR, 'common-config.yml'), join(DIR, 'scenarios/armadillo.yml'), '--target', srv.url, '-o', out, '--no-console']);
  assert.equal(r.code, 0, r.err);
  // arrivalCount: 2 from the config file; its variable wins over the script's; the script's own is kept.
  assert.deepEqual(srv.requests.map((q) => q.url), ['/armadillo?animal=from-config', '/armadillo?animal=from-config']);
  // The processor named in the config file was found next to it and ran.
  for (const q of srv.requests) assert.equal(q.headers['x-stamp'], 'config-dir');
  const result = JSON.parse(readFileSync(out, 'utf8')) as { summary: { counters: Record<string, number> } };
  assert.equal(result.summary.counters.vusers_completed, 2);
});

test('validate -c accepts the pair; the script alone names a function it has no processor for', async () => {
  const ok = await cli(['validate', '-c', join(DIR, 'common-config.yml'), join(DIR, 'scenarios/armadillo.yml')]);
  assert.equal(ok.code, 0, ok.err);
  const alone = await cli(['validate', join(DIR, 'scenarios/armadillo.yml')]);
  assert.equal(alone.code, 2);
});

test('an error in the config file is located in the config file; a missing one is a read error', async () => {
  const bad = await cli(['validate', '-c', join(DIR, 'bad-config.yml'), join(DIR, 'scenarios/bad-phase.yml'), '--target', 'http://127.0.0.1:9']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /bad-config\.yml:3:17 \S+ config\.phases\[0\]\.duration/);
  const missing = await cli(['validate', '-c', join(DIR, 'nope.yml'), join(DIR, 'scenarios/bad-phase.yml')]);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /AGENTLOAD_E_PLAN_READ .*--config file/);
});

test('a config-only file run alone says it is a config file and how to use it', async () => {
  const r = await cli(['validate', join(DIR, 'common-config.yml')]);
  assert.equal(r.code, 2);
  assert.match(r.err, /common-config\.yml:3:1 AGENTLOAD_E_SCHEMA config: .*--config/);
  assert.doesNotMatch(r.err, /missing required key/);
});
