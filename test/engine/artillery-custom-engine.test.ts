/**
 * Artillery custom engines (issue 18, config.engines): a package
 * `artillery-engine-<name>` found through NODE_PATH, as Artillery finds it,
 * constructed with the script, its events and Artillery's helpers. Each
 * user calls the scenario's function once; what its custom steps send
 * reaches a server on 127.0.0.1, in order, templated; its counters reach the
 * JSON report; its errors fail the scenario under a named cause. The engine
 * is test/fixtures/artillery/engines/artillery-engine-recorder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tempDir } from '../cli/cli-fixture.ts';
import { startHttpServer } from '../helpers/servers.ts';

const FIX = join(import.meta.dirname, '../fixtures/artillery');

interface Row { name: string; count: number; ok: number; errors: number; outcomes: { failed: Record<string, number> } }
interface Report { summary: { byName: Row[]; counters: Record<string, number> } }

/** Runs `fn` with NODE_PATH at the fixtures' engines (where Artillery users put theirs, per the engine example's README). */
async function withEnginePath<T>(fn: () => Promise<T>): Promise<T> {
  const saved = process.env.NODE_PATH;
  process.env.NODE_PATH = join(FIX, 'engines');
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env.NODE_PATH;
    else process.env.NODE_PATH = saved;
  }
}

async function runPlan(plan: string, target: string, extra: string[] = []): Promise<{ code: number; err: string; report: Report }> {
  const { dir, cleanup } = tempDir('artillery-engine');
  try {
    const out = join(dir, 'out.json');
    const r = await withEnginePath(() => cli(['run', join(FIX, plan), '--target', target, '--no-console', '-o', out, ...extra]));
    return { code: r.code, err: r.err, report: JSON.parse(readFileSync(out, 'utf8')) as Report };
  } finally {
    cleanup();
  }
}

test('each user runs the engine\'s scenario once: its custom steps reach the target in order, templated, and its counter reaches the JSON report', async (t) => {
  const srv = await startHttpServer((_req, res) => void res.writeHead(200).end('ok'));
  t.after(() => srv.close());
  const { code, err, report } = await runPlan('custom-engine.yml', srv.url);
  assert.equal(code, 0, err);
  const byUser = new Map<string, string[]>();
  for (const q of srv.requests) {
    const user = String(q.headers['x-user']);
    byUser.set(user, [...(byUser.get(user) ?? []), q.url]);
  }
  assert.equal(byUser.size, 3, 'three users, each with its own context');
  for (const urls of byUser.values()) assert.deepEqual(urls, ['/rec/a/42', '/rec/loop/0', '/rec/loop/1', '/rec/b/5']);
  const row = report.summary.byName.find((r) => r.name === 'recorded');
  assert.equal(row?.count, 3, 'one sample per user, under the scenario\'s name');
  assert.equal(row.ok, 3);
  assert.equal(report.summary.counters['recorder.hits'], 12);
  assert.equal(report.summary.byName.find((r) => r.name === 'recorder.status')?.count, 12, 'the emitted histogram has a sample per hit');
});

test('an engine error, called back or thrown, and an unsupported helper fail the user\'s scenario as artillery_engine_error', async (t) => {
  const srv = await startHttpServer((_req, res) => void res.writeHead(200).end('ok'));
  t.after(() => srv.close());
  // A fixed seed: the weighted pick gives every scenario at least one of the six users.
  const { code, err, report } = await runPlan('custom-engine-failing.yml', srv.url, ['--seed', '3']);
  assert.equal(code, 0, err);
  const rows = report.summary.byName.filter((r) => ['calls-back-an-error', 'throws', 'unsupported-helper'].includes(r.name));
  const total = rows.reduce((n, r) => n + r.count, 0);
  assert.equal(total, 6, 'six users');
  assert.equal(rows.length, 3, 'each scenario ran');
  for (const r of rows) {
    assert.ok(r.count >= 1, r.name);
    assert.equal(r.errors, r.count, r.name);
    assert.equal(r.outcomes.failed.artillery_engine_error, r.count, r.name);
  }
  assert.equal(report.summary.counters.vusers_failed, 6);
  const callsBack = rows.find((r) => r.name === 'calls-back-an-error');
  assert.equal(srv.requests.length, callsBack?.count ?? 0, 'steps before the failing one ran');
});

test('an Artillery engine no package answers stops validate with AGENTLOAD_E_ENGINE_LOAD at config.engines.<name>', async () => {
  const r = await withEnginePath(() => cli(['validate', join(FIX, 'custom-engine-missing.yml')]));
  assert.equal(r.code, 2);
  assert.match(r.err, /custom-engine-missing\.yml:8:5 AGENTLOAD_E_ENGINE_LOAD config\.engines\.nosuch: .*no package artillery-engine-nosuch/);
});

test('an engine whose constructor throws stops the run before the first user, naming the engine', async (t) => {
  const srv = await startHttpServer((_req, res) => void res.writeHead(200).end('ok'));
  t.after(() => srv.close());
  const r = await withEnginePath(() => cli(['run', join(FIX, 'custom-engine.yml'), '--target', srv.url, '--no-console', '--overrides', '{"config":{"recorder":{"prefix":""}}}']));
  assert.equal(r.code, 2, r.err);
  assert.match(r.err, /AGENTLOAD_E_ENGINE_LOAD .*Artillery engine "recorder" .*config\.recorder\.prefix must be set/);
  assert.equal(srv.requests.length, 0);
});
