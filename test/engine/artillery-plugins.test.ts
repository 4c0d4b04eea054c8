/**
 * Artillery plugins (issue 18): a package `artillery-plugin-<name>` found as
 * Artillery finds it (here through ARTILLERY_PLUGIN_PATH), constructed with
 * the script and an EventEmitter. What it adds to the script runs (a
 * processor function and a scenario hook), and it hears the run's events:
 * phaseStarted, stats, phaseCompleted, done, then cleanup. Plugins under
 * test/fixtures/artillery/plugins; a server on 127.0.0.1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tempDir } from '../cli/cli-fixture.ts';
import { startHttpServer } from '../helpers/servers.ts';

const FIX = join(import.meta.dirname, '../fixtures/artillery');

/** Runs `fn` with ARTILLERY_PLUGIN_PATH at the fixtures' plugins and PLUGIN_TEST_LOG at a fresh file. */
async function withPluginEnv<T>(fn: (log: string) => Promise<T>): Promise<T> {
  const { dir, cleanup } = tempDir('artillery-plugins');
  const saved = { path: process.env.ARTILLERY_PLUGIN_PATH, log: process.env.PLUGIN_TEST_LOG };
  const log = join(dir, 'events.log');
  writeFileSync(log, '');
  process.env.ARTILLERY_PLUGIN_PATH = join(FIX, 'plugins');
  process.env.PLUGIN_TEST_LOG = log;
  try {
    return await fn(log);
  } finally {
    if (saved.path === undefined) delete process.env.ARTILLERY_PLUGIN_PATH;
    else process.env.ARTILLERY_PLUGIN_PATH = saved.path;
    if (saved.log === undefined) delete process.env.PLUGIN_TEST_LOG;
    else process.env.PLUGIN_TEST_LOG = saved.log;
    cleanup();
  }
}

test('an Artillery plugin changes the script (its hook runs on every request) and hears phaseStarted, stats, done and cleanup, in order', async (t) => {
  const srv = await startHttpServer((_req, res) => void res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  t.after(() => srv.close());
  const lines = await withPluginEnv(async (log) => {
    const r = await cli(['run', join(FIX, 'plugin-recorder.yml'), '--target', srv.url, '--no-console']);
    assert.equal(r.code, 0, r.err);
    return readFileSync(log, 'utf8').trim().split('\n');
  });
  assert.equal(srv.requests.length, 2);
  for (const q of srv.requests) assert.equal(q.headers['x-plugin'], 'stamped-by-plugin', 'the hook the plugin added ran');
  // Constructed once, when the run read the plan.
  assert.equal(lines.filter((l) => l.startsWith('constructed')).length, 1);
  assert.equal(lines[0], 'constructed header=stamped-by-plugin');
  assert.equal(lines[1], 'phaseStarted phase 1');
  assert.ok(lines.some((l) => l.startsWith('stats requests=')), 'at least one stats event');
  const done = lines.indexOf('done requests=2 created=2 stamped=2 codes200=2 p95=number');
  assert.ok(done > 1, lines.join('\n'));
  assert.ok(lines.indexOf('phaseCompleted phase 1') < done);
  assert.equal(lines.at(-1), 'cleanup');
});

test('an Artillery plugin that throws when constructed stops validate with AGENTLOAD_E_PLUGIN_LOAD at its entry', async () => {
  const r = await withPluginEnv(() => cli(['validate', join(FIX, 'plugin-broken.yml')]));
  assert.equal(r.code, 2);
  assert.match(r.err, /plugin-broken\.yml:5:5 AGENTLOAD_E_PLUGIN_LOAD config\.plugins\.broken: Artillery plugin broken .*no license key/);
});

test('a plugin name no package answers is still a located load error naming both lookups', async () => {
  const r = await cli(['validate', join(FIX, 'plugin-broken.yml')]);
  assert.equal(r.code, 2);
  assert.match(r.err, /plugin-broken\.yml:5:5 AGENTLOAD_E_PLUGIN_LOAD config\.plugins\.broken: .*agentload-plugin-broken.*artillery-plugin-broken/);
});
