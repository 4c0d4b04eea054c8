/**
 * Artillery's ensure plugin over Artillery's metric names (issue 18): for each
 * family (counters, histograms, rates, a processor's own metrics, the expect
 * plugin's counters, users per scenario with a spaced scenario name) one run
 * whose checks hold (exit 0) and one whose checks fail (exit 1), a name with
 * no value that fails "no samples", and expressions that cannot be read
 * stopping at validate. Against a server on 127.0.0.1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { cli, tempDir } from '../cli/cli-fixture.ts';
import { FIX, runArtillery } from './artillery-fixture.ts';
import { startHttpServer } from '../helpers/servers.ts';

interface Verdict {
  name: string;
  isPass: boolean;
  measured: string;
  reason?: string;
}

/** 200 JSON `{id: 1}`, 404 on /gone (200 with `isGoneFound`), the connection reset on /reset. */
function target(isGoneFound = false) {
  return startHttpServer((req, res) => {
    if (req.url === '/reset') req.socket.destroy();
    else if (req.url === '/gone' && !isGoneFound) res.writeHead(404).end('gone');
    else res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":1}');
  });
}

/** The ensure checks (the expect plugin's outcome checks left out), by name. */
function ensureChecks(result: { expectations: Verdict[] }): Verdict[] {
  return result.expectations.filter((e) => !e.name.startsWith('outcome ') && !e.name.startsWith('counter '));
}

/** `--overrides` that replace the fixture's ensure conditions (lists replace whole) and drop its thresholds. */
function conditions(...expressions: string[]): string[] {
  return ['--overrides', JSON.stringify({ config: { ensure: { thresholds: [], conditions: expressions.map((expression) => ({ expression })) } } })];
}

const FAILING = [
  'http.requests == 5', 'http.responses > 6', 'http.codes.200 == 5', 'vusers.created < 3', 'vusers.completed == 2', 'vusers.failed > 0',
  'vusers.created_by_name.Buy a thing == 4', 'http.response_time.max < 0', 'http.response_time.count == 5', 'vusers.session_length.min < 0',
  'http.request_rate < 0', 'shop.orders == 2', 'shop.basket.max == 5', 'plugins.expect.ok == 12', 'plugins.expect.failed.statusCode == 0',
];

test('ensure over Artillery metric names: every family holds on a good run, each line PASS, exit 0; the checks fail on other limits, exit 1', async (t) => {
  const srv = await target();
  t.after(() => srv.close());
  const good = await runArtillery('ensure-metrics.yml', srv.url);
  assert.equal(good.code, 0, good.out + good.err);
  const checks = ensureChecks(good.result);
  assert.equal(checks.length, 10, checks.map((c) => c.name).join(' | '));
  for (const c of checks) assert.ok(c.isPass, `${c.name}: ${c.measured} ${c.reason ?? ''}`);
  assert.equal(srv.requests.length, 6);
  assert.equal(good.result.summary.counters['plugins.expect.ok'], 12);
  assert.equal(good.result.summary.counters['plugins.expect.failed'], undefined);
  assert.equal(good.result.summary.counters['vusers_created:Buy a thing'], 3);
  assert.ok(checks.some((c) => c.name === 'vusers.created_by_name.Buy a thing == 3' && /= 3$/.test(c.measured)), 'a spaced scenario name');

  // /gone answers 200 now: the statusCode 404 check fails three times (the plugin's failed counters), and every check below fails.
  const other = await target(true);
  t.after(() => other.close());
  const bad = await runArtillery('ensure-metrics.yml', other.url, conditions('plugins.expect.failed == 3 and plugins.expect.failed.statusCode == 3', ...FAILING));
  assert.equal(bad.code, 1, bad.out + bad.err);
  const judged = ensureChecks(bad.result);
  assert.deepEqual(judged.map((c) => c.name), ['plugins.expect.failed == 3 and plugins.expect.failed.statusCode == 3', ...FAILING]);
  assert.equal(judged[0]!.isPass, true, judged[0]!.measured);
  for (const c of judged.slice(1)) assert.equal(c.isPass, false, `${c.name}: ${c.measured}`);
  assert.ok(judged.every((c) => c.reason === undefined), 'each had a value: failed on the value, not on missing samples');
  assert.ok(bad.result.expectations.some((e: Verdict) => e.name === 'counter plugins.expect.failed' && !e.isPass), 'the plugin fails the run on a failed check, as Artillery does');
});

test('ensure: the PASS/FAIL lines print each check with the values it read; one failing exits 1, all holding 0', async (t) => {
  const srv = await target();
  t.after(() => srv.close());
  const r = await cli(['run', join(FIX, 'ensure-metrics.yml'), '--target', srv.url, ...conditions('http.codes.404 == 3 and vusers.created_by_name.Buy a thing == 3', 'shop.basket.min == 5', 'shop.orders > 3')]);
  assert.equal(r.code, 1, r.out + r.err);
  assert.match(r.out, /PASS {2}http\.codes\.404 == 3 and vusers\.created_by_name\.Buy a thing == 3 {2}http\.codes\.404 = 3, vusers\.created_by_name\.Buy a thing = 3/);
  assert.match(r.out, /PASS {2}shop\.basket\.min == 5 {2}shop\.basket\.min = 5 /);
  assert.match(r.out, /FAIL {2}shop\.orders > 3 {2}shop\.orders = 3 /);
  const plain = await cli(['run', join(FIX, 'ensure-errors.yml'), '--target', srv.url]);
  assert.equal(plain.code, 0, plain.out + plain.err);
  assert.match(plain.out, /PASS {2}errors\.ECONNRESET == 2 and http\.requests == 4 and http\.responses == 2 {2}errors\.ECONNRESET = 2, http\.requests = 4, http\.responses = 2/);
});

test('ensure: errors.<code> from agentload causes; a name the run has no value for FAILs "no samples", exit 1', async (t) => {
  const srv = await target();
  t.after(() => srv.close());
  const r = await runArtillery('ensure-errors.yml', srv.url, conditions('errors.ECONNRESET == 2', 'errors.Failed capture or match < 1', 'errors.ECONNREFUSED == 0', 'stats.errors.count == 0', 'http.codes.500 < 1', 'http.downloaded_bytes > 0'));
  assert.equal(r.code, 1, r.out + r.err);
  const v = Object.fromEntries(ensureChecks(r.result).map((c) => [c.name, c]));
  assert.equal(v['errors.ECONNRESET == 2']!.isPass, true, v['errors.ECONNRESET == 2']!.measured);
  for (const name of ['errors.ECONNREFUSED == 0', 'errors.Failed capture or match < 1', 'stats.errors.count == 0', 'http.codes.500 < 1', 'http.downloaded_bytes > 0']) {
    assert.equal(v[name]!.isPass, false, name);
    assert.match(v[name]!.reason ?? '', /^no samples: the run has no value for /, name);
  }
  assert.match(v['http.codes.500 < 1']!.reason!, /a counter has a value only once it counted something, as in Artillery/);
  assert.match(v['http.downloaded_bytes > 0']!.reason!, /agentload does not count downloaded bytes/);
});

test('ensure judges a run split over workers, and shards merged, as one run: the counters add up before the checks read them', async (t) => {
  const srv = await target();
  t.after(() => srv.close());
  const workers = await runArtillery('ensure-metrics.yml', srv.url, ['--workers', '2']);
  assert.equal(workers.code, 0, workers.out + workers.err);
  assert.equal(ensureChecks(workers.result).filter((c) => c.isPass).length, 10);
  const { dir, cleanup } = tempDir('ensure-merge');
  t.after(cleanup);
  const shards = [join(dir, 's1.json'), join(dir, 's2.json')];
  for (const [i, out] of shards.entries()) {
    const r = await cli(['run', join(FIX, 'ensure-metrics.yml'), '--target', srv.url, '--shard', `${i + 1}/2`, '-o', out, '--no-console']);
    assert.equal(r.code, 1, `a shard alone has part of the users: its counts fail the checks (${r.err})`);
  }
  const merged = join(dir, 'merged.json');
  const m = await cli(['merge', ...shards, '-o', merged]);
  assert.equal(m.code, 0, m.out + m.err);
  const checks = ensureChecks(JSON.parse(readFileSync(merged, 'utf8')));
  assert.equal(checks.length, 10);
  for (const c of checks) assert.ok(c.isPass, `${c.name}: ${c.measured} ${c.reason ?? ''}`);
});

test('ensure: legacy p95/maxErrorRate and thresholds are Artillery expressions; config.ensure wins over plugins.ensure', async (t) => {
  const srv = await target();
  t.after(() => srv.close());
  const overrides = { config: { plugins: { expect: {}, ensure: { conditions: [{ expression: 'vusers.created == 999' }] } }, ensure: { thresholds: [{ 'http.requests': 7 }], conditions: [], p95: 60000, maxErrorRate: 0 } } };
  const r = await runArtillery('ensure-metrics.yml', srv.url, ['--overrides', JSON.stringify(overrides)]);
  assert.equal(r.code, 0, r.out + r.err);
  const v = ensureChecks(r.result);
  assert.deepEqual(v.map((c) => `${c.name}:${c.isPass}`), ['http.requests < 7:true', 'p95 < 60000:true', 'maxErrorRate < 0:true']);
});

test('ensure: an expression filtrex cannot read, or a spaced name that is no scenario, stops at validate with its place', async () => {
  const file = join(FIX, 'ensure-metrics.yml');
  const bad = await cli(['validate', file, ...conditions('http.codes.200 >')]);
  assert.equal(bad.code, 2, bad.out + bad.err);
  assert.match(bad.err, /AGENTLOAD_E_SCHEMA config\.ensure\.conditions\[0\]\.expression: cannot read the expression "http\.codes\.200 >"/);
  const spaced = await cli(['validate', file, ...conditions('vusers.created_by_name.Buy a think == 3')]);
  assert.equal(spaced.code, 2, spaced.out + spaced.err);
  assert.match(spaced.err, /conditions\[0\]\.expression: cannot read the expression/);
  const ok = await cli(['validate', file]);
  assert.equal(ok.code, 0, ok.out + ok.err);
});
