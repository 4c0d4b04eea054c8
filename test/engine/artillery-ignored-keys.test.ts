/**
 * Plan warnings (issue 18): keys and forms Artillery's validation lets through
 * and its runner ignores are warnings, located, and the run sends what
 * Artillery would; `--strict` makes them exit 2; the JSON result lists them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { cli, tempDir } from '../cli/cli-fixture.ts';
import { FIX, runArtillery } from './artillery-fixture.ts';
import { okJson, startHttpServer } from '../helpers/servers.ts';
import { loadPlan } from '../../src/engine/plan/load-plan.ts';

const WARNINGS = [
  ['5:3', 'AGENTLOAD_W_IGNORED_KEY', 'config.environment', /unknown key "environment"; Artillery ignores it, so agentload does too; did you mean "environments"\?/],
  ['13:7', 'AGENTLOAD_W_IGNORED_KEY', 'config.phases[0].timeout', /unknown key "timeout"/],
  ['17:5', 'AGENTLOAD_W_IGNORED_KEY', 'config.payload[0].unique', /unknown payload key "unique"; Artillery ignores it/],
  ['19:5', 'AGENTLOAD_W_IGNORED_PLUGIN', 'config.plugins.publish-metrics', /does not send them.*--prometheus/],
  ['23:5', 'AGENTLOAD_W_IGNORED_KEY', 'scenarios[0].tags', /unknown key "tags"/],
  ['32:20', 'AGENTLOAD_W_IGNORED_WHILE_TRUE', 'scenarios[0].flow[1].whileTrue', /names none, so Artillery ignores it and loops by count/],
  ['35:1', 'AGENTLOAD_W_IGNORED_KEY', 'hooks', /unknown key "hooks"/],
] as const;

function warningLines(err: string): string[] {
  return err.split('\n').filter((l) => l.includes(' warning AGENTLOAD_W_'));
}

test('validate: one located warning line per ignored key, then valid (exit 0)', async () => {
  const v = await cli(['validate', join(FIX, 'ignored-keys.yml')]);
  assert.equal(v.code, 0, v.out + v.err);
  assert.match(v.out, /ignored-keys\.yml: valid/);
  const lines = warningLines(v.err);
  assert.equal(lines.length, WARNINGS.length, v.err);
  WARNINGS.forEach(([at, code, path, what], i) => {
    assert.ok(lines[i]!.includes(`ignored-keys.yml:${at} warning ${code} ${path}: `), lines[i]);
    assert.match(lines[i]!, what);
  });
});

test('--strict: every warning is the error it stands for, at the same place (exit 2)', async () => {
  const v = await cli(['validate', '--strict', join(FIX, 'ignored-keys.yml')]);
  assert.equal(v.code, 2, v.out + v.err);
  assert.equal(warningLines(v.err).length, 0);
  assert.match(v.err, /ignored-keys\.yml:5:3 AGENTLOAD_E_SCHEMA config\.environment: .*AGENTLOAD_W_IGNORED_KEY: an error under --strict/);
  assert.match(v.err, /ignored-keys\.yml:19:5 AGENTLOAD_E_NOT_YET config\.plugins\.publish-metrics: /);
  assert.match(v.err, /ignored-keys\.yml:32:20 AGENTLOAD_E_NOT_YET scenarios\[0\]\.flow\[1\]\.whileTrue: /);
  const r = await cli(['run', '--strict', join(FIX, 'ignored-keys.yml'), '--target', 'http://127.0.0.1:9', '--no-console']);
  assert.equal(r.code, 2, r.out + r.err);
});

test('run: the warnings on stderr and in the JSON result; the requests Artillery sends are sent (whileTrue ignored: count decides)', async (t) => {
  const srv = await startHttpServer(okJson);
  t.after(() => srv.close());
  const r = await runArtillery('ignored-keys.yml', srv.url);
  assert.equal(r.code, 0, r.out + r.err);
  assert.equal(warningLines(r.err).length, WARNINGS.length, r.err);
  // Two arrivals (the phase's stray timeout ignored), each: /first/<payload name>, the loop twice, /last.
  const urls = srv.requests.map((q) => q.url);
  assert.equal(urls.filter((u) => /^\/first\/(name|ann|bob|cid)$/.test(u)).length, 2, urls.join(' '));
  assert.equal(urls.filter((u) => u === '/again').length, 4, urls.join(' '));
  assert.equal(urls.filter((u) => u === '/last').length, 2, urls.join(' '));
  assert.equal(urls.length, 8);
  const warnings = r.result.info.warnings as Array<{ code: string; yamlPath: string; location: { line: number; col: number } }>;
  assert.deepEqual(warnings.map((w) => [`${w.location.line}:${w.location.col}`, w.code, w.yamlPath]), WARNINGS.map(([at, code, path]) => [at, code, path]));
});

test('an unknown key that holds a check stays an error: ignoring it could pass a run meant to fail', async () => {
  const v = await cli(['validate', join(FIX, 'ignored-check.yml')]);
  assert.equal(v.code, 2, v.out + v.err);
  assert.match(v.err, /ignored-check\.yml:8:3 AGENTLOAD_E_SCHEMA config\.ensur: unknown key "ensur"/);
  assert.match(v.err, /ignored-check\.yml:10:3 AGENTLOAD_E_SCHEMA config\.settings: unknown key "settings"/);
  assert.equal(warningLines(v.err).length, 0);
});

test('a plan with nothing ignored prints no warning and its JSON result has no warnings', async (t) => {
  const srv = await startHttpServer(okJson);
  t.after(() => srv.close());
  const r = await runArtillery('scenarios-only.yml', srv.url);
  assert.equal(r.code, 0, r.out + r.err);
  assert.equal(warningLines(r.err).length, 0);
  assert.equal(r.result.info.warnings, undefined);
});

test('playwright settings the engine never reads are warnings; the ones it reads are kept', async () => {
  const file = join(FIX, 'ignored-playwright-keys.yml');
  const v = await cli(['validate', file]);
  assert.equal(v.code, 0, v.out + v.err);
  const lines = warningLines(v.err);
  assert.equal(lines.length, 2, v.err);
  assert.ok(lines[0]!.includes('ignored-playwright-keys.yml:10:9 warning AGENTLOAD_W_IGNORED_KEY config.playwright.trace.screenshots: unknown key "screenshots"'), lines[0]);
  assert.ok(lines[1]!.includes('ignored-playwright-keys.yml:13:7 warning AGENTLOAD_W_IGNORED_KEY config.playwright.timeout: unknown key "timeout"'), lines[1]);
  const plan = loadPlan(file);
  assert.deepEqual(plan.config.playwright, { launchOptions: { headless: true }, trace: { enabled: false } });
  assert.deepEqual(plan.warnings.map((w) => w.yamlPath), ['config.playwright.trace.screenshots', 'config.playwright.timeout']);
});

test('a step whose action no engine knows: a warning; each user sends the steps before it, ends there as failed (invalid_steps:set), sends nothing after', async (t) => {
  const srv = await startHttpServer(okJson);
  t.after(() => srv.close());
  const v = await cli(['validate', join(FIX, 'unknown-step.yml')]);
  assert.equal(v.code, 0, v.out + v.err);
  const lines = warningLines(v.err);
  assert.equal(lines.length, 1, v.err);
  assert.match(lines[0]!, /unknown-step\.yml:13:9 warning AGENTLOAD_W_UNKNOWN_STEP scenarios\[0\]\.flow\[1\]\.set: unknown step "set"; .*invalid_steps:set/);
  const r = await runArtillery('unknown-step.yml', srv.url);
  // Exit 0 as in Artillery: failed users fail a check only when the plan has one (ensure vusers.failed == 0).
  assert.equal(r.code, 0, r.out + r.err);
  assert.equal(warningLines(r.err).length, 1, r.err);
  assert.deepEqual(srv.requests.map((q) => q.url), ['/before', '/before', '/before']);
  const counters = r.result.summary.counters as Record<string, number>;
  assert.equal(counters.invalid_steps, 3, JSON.stringify(counters));
  assert.equal(counters['invalid_steps:set'], 3);
  assert.equal(counters.vusers_failed, 3);
  const s = await cli(['validate', '--strict', join(FIX, 'unknown-step.yml')]);
  assert.equal(s.code, 2, s.out + s.err);
  assert.match(s.err, /unknown-step\.yml:13:9 AGENTLOAD_E_SCHEMA scenarios\[0\]\.flow\[1\]\.set: /);
});

test('an unknown action with a url stays a schema error (Artillery would send it as an HTTP method)', async () => {
  const { dir, cleanup } = tempDir('unknown-method');
  try {
    const file = join(dir, 'p.yml');
    writeFileSync(file, 'config:\n  target: "http://127.0.0.1:9"\nscenarios:\n  - flow:\n      - gte:\n          url: "/x"\n');
    const v = await cli(['validate', file]);
    assert.equal(v.code, 2, v.out + v.err);
    assert.match(v.err, /p\.yml:5:9 AGENTLOAD_E_SCHEMA scenarios\[0\]\.flow\[0\]\.gte: unknown key "gte"; did you mean "get"\?/);
  } finally {
    cleanup();
  }
});

test('a header name HTTP does not allow: a warning where it is written; each request carrying it fails as invalid_request, none is sent', async (t) => {
  const srv = await startHttpServer(okJson);
  t.after(() => srv.close());
  const v = await cli(['validate', join(FIX, 'bad-header-name.yml')]);
  assert.equal(v.code, 0, v.out + v.err);
  const lines = warningLines(v.err);
  assert.equal(lines.length, 2, v.err);
  assert.ok(lines[0]!.includes('bad-header-name.yml:11:7 warning AGENTLOAD_W_HEADER_NAME config.defaults.headers["<header>"]: "<header>" is not a valid header name'), lines[0]);
  assert.ok(lines[1]!.includes('bad-header-name.yml:21:13 warning AGENTLOAD_W_HEADER_NAME scenarios[0].flow[1].get.headers["Content Type"]: '), lines[1]);
  const r = await runArtillery('bad-header-name.yml', srv.url);
  assert.equal(srv.requests.length, 0);
  assert.deepEqual(r.result.summary.overall.outcomes.failed, { invalid_request: 4 }, r.out + r.err);
  const s = await cli(['validate', '--strict', join(FIX, 'bad-header-name.yml')]);
  assert.equal(s.code, 2, s.out + s.err);
  assert.match(s.err, /bad-header-name\.yml:11:7 AGENTLOAD_E_PLAN_LIMIT config\.defaults\.headers\["<header>"\]: /);
});

test('a header name HTTP does not allow on a WebSocket connect stays an error', async () => {
  const { dir, cleanup } = tempDir('ws-header');
  try {
    const file = join(dir, 'p.yml');
    writeFileSync(file, 'config:\n  target: "ws://127.0.0.1:9"\nscenarios:\n  - engine: ws\n    flow:\n      - connect:\n          url: "/"\n          headers:\n            "<h>": "v"\n');
    const v = await cli(['validate', file]);
    assert.equal(v.code, 2, v.out + v.err);
    assert.match(v.err, /p\.yml:9:13 AGENTLOAD_E_PLAN_LIMIT .*"<h>" is not a valid header name/);
  } finally {
    cleanup();
  }
});
