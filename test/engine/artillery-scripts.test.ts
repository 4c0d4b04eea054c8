/**
 * Artillery 2.x scripts run unchanged (issue 18): the plans under
 * test/fixtures/artillery/ are written in Artillery's syntax and run through
 * the CLI against servers on 127.0.0.1, asserting what Artillery's docs say
 * happens: requests sent, values picked, order, exit codes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tempDir } from '../cli/cli-fixture.ts';
import { FIX, runArtillery } from './artillery-fixture.ts';
import { startHttpServer } from '../helpers/servers.ts';


/** 200 JSON `{id: 1, username}` everywhere; 50 ms on /slow. */
function target() {
  return startHttpServer((req, res) => {
    const send = () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":1,"username":"new-user"}');
    if (req.url === '/slow') setTimeout(send, 50);
    else send();
  });
}

const run = runArtillery;

test('a file with scenarios only runs one arrival of its unnamed scenario (named by its index)', async (t) => {
  const srv = await target();
  t.after(() => srv.close());
  const r = await run('scenarios-only.yml', srv.url);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(srv.requests.map((q) => q.url), ['/only']);
  assert.equal(r.result.summary.counters.vusers_created, 1);
  const v = await cli(['validate', join(FIX, 'scenarios-only.yml')]);
  assert.equal(v.code, 0, v.err);
  assert.match(v.out, /valid .*no target: run it with --target URL/);
  const noTarget = await cli(['run', join(FIX, 'scenarios-only.yml'), '--no-console']);
  assert.equal(noTarget.code, 2);
  assert.match(noTarget.err, /AGENTLOAD_E_PLAN_TARGET/);
});

test('ensure: thresholds and conditions become expectations; one failing gives exit 1, --overrides can lift it', async (t) => {
  const srv = await target();
  t.after(() => srv.close());
  const failing = await run('ensure.yml', srv.url);
  assert.equal(failing.code, 1, failing.out + failing.err);
  assert.equal(srv.requests.length, 4);
  const names = failing.result.expectations.map((e: { name: string; isPass: boolean }) => `${e.name}:${e.isPass}`);
  assert.ok(names.some((n: string) => /max.*false/.test(n)), names.join(' '));
  assert.ok(names.some((n: string) => /p95.*true/.test(n)), names.join(' '));
  assert.ok(names.some((n: string) => /^http\.response_time\.p99 < 10000:true/.test(n)), names.join(' '));
  assert.ok(names.some((n: string) => /^maxErrorRate < 1:true/.test(n)), names.join(' '));
  const lifted = await run('ensure.yml', srv.url, ['--overrides', '{"config":{"ensure":{"conditions":[{"expression":"http.response_time.max < 60000"}]}}}']);
  assert.equal(lifted.code, 0, lifted.out + lifted.err);
});

test('expect plugin: checks are ignored unless the plugin is on; on, failed checks are counted and exit 1', async (t) => {
  const srv = await target();
  t.after(() => srv.close());
  const off = await run('expect-plugin.yml', srv.url);
  assert.equal(off.code, 0, off.out + off.err);
  assert.deepEqual(srv.requests.map((q) => q.url).sort(), ['/users', '/users', '/users/1', '/users/1']);
  const on = await run('expect-plugin.yml', srv.url, ['-e', 'functional']);
  assert.equal(on.code, 1, on.out + on.err);
  const byName = Object.fromEntries(on.result.summary.byName.map((n: any) => [n.name, n]));
  assert.deepEqual(byName['POST /users'].outcomes.failed, { expect_json: 2 }, 'hasProperty email is missing');
  assert.deepEqual(byName['GET /users/{{ id }}'].outcomes.failed, { expect_json: 2 }, 'the id was captured all the same; hasProperty nickname is missing');
});

test('payload: one row per user in file order (sequence, header skipped), loadAll gives every row; $loopCount counts from 0', async (t) => {
  const srv = await target();
  t.after(() => srv.close());
  const r = await run('payload.yml', srv.url);
  assert.equal(r.code, 0, r.out + r.err);
  const users = srv.requests.filter((q) => q.url.startsWith('/user/')).map((q) => q.url);
  assert.deepEqual(users, ['/user/ann?age=31', '/user/bob?age=42', '/user/cid?age=53', '/user/ann?age=31']);
  const all = srv.requests.filter((q) => q.url.startsWith('/all/')).map((q) => q.url);
  assert.equal(all.length, 12);
  assert.deepEqual(all.slice(0, 3), ['/all/ann/0', '/all/bob/1', '/all/cid/2']);
});

test('variables: a list gives each user one value for its whole scenario; $randomNumber, $randomString, $uuid, $processEnvironment, auth, cookie', async (t) => {
  const srv = await target();
  t.after(() => srv.close());
  process.env.AGENTLOAD_ART_TEST = 'from-env';
  t.after(() => { delete process.env.AGENTLOAD_ART_TEST; });
  const r = await run('variables.yml', srv.url, ['--seed', '7']);
  assert.equal(r.code, 0, r.out + r.err);
  const logins = srv.requests.filter((q) => q.url === '/login');
  const again = srv.requests.filter((q) => q.url.startsWith('/again'));
  assert.equal(logins.length, 20);
  assert.equal(again.length, 20);
  const emails = new Set<string>();
  for (const q of logins) {
    const b = JSON.parse(q.body);
    assert.match(b.email, /^[abc]@example\.invalid$/);
    emails.add(b.email);
    assert.ok(b.n >= 5 && b.n <= 7 && Number.isInteger(b.n), `randomNumber ${b.n}`);
    assert.match(b.s, /^[A-Za-z0-9]{10}$/);
    assert.match(b.id, /^[0-9a-f-]{36}$/);
    const next = again.find((a) => a.url.includes(encodeURIComponent(b.id)) || a.url.includes(b.id))!;
    assert.ok(next, 'the same $uuid all through the user');
    assert.ok(next.url.includes(`email=${b.email}`), 'the same picked value all through the user');
    assert.equal(q.headers['x-env'], 'from-env');
  }
  assert.ok(emails.size >= 2, 'users pick different values');
  assert.equal(again[0]!.headers.authorization, `Basic ${Buffer.from('u:p').toString('base64')}`);
  assert.equal(again[0]!.headers.cookie, 'state=online');
});

test('phases: Artillery durations, rampTo without arrivalRate, mode and templated values compile', async (t) => {
  const srv = await target();
  t.after(() => srv.close());
  const r = await cli(['validate', join(FIX, 'phases.yml')]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /3 phase\(s\)/);
  assert.match(r.out, /63s planned/, '2 s + 1 min + 0.5 s');
  const bad = await cli(['validate', join(FIX, 'phases.yml'), '--overrides', '{"config":{"variables":{"rate":"{{ $processEnvironment.AGENTLOAD_UNSET_RATE }}"}}}']);
  assert.equal(bad.code, 2);
});

test('unsupported Artillery features stop at validate with exit 2, each at its line:col', async () => {
  const r = await cli(['validate', join(FIX, 'unsupported.yml')]);
  assert.equal(r.code, 2);
  assert.match(r.err, /unsupported\.yml:5:15 AGENTLOAD_E_NOT_YET config\.plugins\.expect\.outputFormat/);
  assert.match(r.err, /unsupported\.yml:9:9 AGENTLOAD_E_NOT_YET scenarios\[0\]\.flow\[0\]\.connect: a connect step with a url in a socketio scenario/);
  assert.doesNotMatch(r.err, /AGENTLOAD_E_SCHEMA/, 'one line per unsupported feature, no echo from the schema');
});

test('a template naming a variable nothing defines is a validate error at its line:col, not an empty string', async () => {
  const r = await cli(['validate', join(FIX, 'unknown-variable.yml')]);
  assert.equal(r.code, 2);
  assert.match(r.err, /unknown-variable\.yml:14:16 AGENTLOAD_E_TEMPLATE scenarios\[0\]\.flow\[1\]\.get\.url: .*"tokne"/);
  assert.doesNotMatch(r.err, /"id"|"known"/, 'captured and configured names are known');
  const ok = await cli(['validate', join(FIX, 'unknown-variable.yml'), '--var', 'tokne=x']);
  assert.equal(ok.code, 0, ok.err);
});

test('Artillery flags: -s runs one user once; --scenario-name picks a scenario; a -c file that does not exist is exit 2', async (t) => {
  const srv = await target();
  t.after(() => srv.close());
  const solo = await run('payload.yml', srv.url, ['-s']);
  assert.equal(solo.code, 0, solo.err);
  assert.equal(solo.result.summary.counters.vusers_created, 1);
  const missing = await cli(['run', join(FIX, 'payload.yml'), '-c', 'x.yml']);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /AGENTLOAD_E_PLAN_READ cannot read the --config file x\.yml/);
});

test('legacy match compares with the user\'s own value; paths with spaces and non-ASCII are percent-encoded', async (t) => {
  const srv = await startHttpServer((req, res) => {
    const email = decodeURIComponent((req.url ?? '').replace(/^\/account\//, ''));
    res.writeHead(req.url === '/a%20b/%C3%A9' || req.url!.startsWith('/account/') ? 200 : 400, { 'content-type': 'application/json' }).end(JSON.stringify({ user: { email } }));
  });
  t.after(() => srv.close());
  const r = await run('match.yml', srv.url);
  const byName = Object.fromEntries(r.result.summary.byName.map((n: any) => [n.name, n]));
  assert.equal(byName.mine.ok, 3, JSON.stringify(byName.mine.outcomes));
  assert.deepEqual(byName.other.outcomes.failed, { expect_json: 3 });
  assert.equal(byName.spaced.ok, 3);
  assert.equal(srv.requests.filter((q) => q.url === '/a%20b/%C3%A9').length, 3);
});

test('apdex: satisfied (<= T), tolerated (<= 4T) and frustrated responses and the score, printed at the end; exit 0', async (t) => {
  const delays: Record<string, number> = { '/fast': 0, '/slow': 200, '/slower': 600 };
  const srv = await startHttpServer((req, res) => {
    setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'), delays[req.url!] ?? 0);
  });
  t.after(() => srv.close());
  const { dir, cleanup } = tempDir('apdex');
  t.after(cleanup);
  const r = await cli(['run', join(FIX, 'apdex.yml'), '-t', srv.url, '-o', join(dir, 'r.json')]);
  assert.equal(r.code, 0, r.err);
  const m = /apdex \(T = 100 ms\): (\S+) — satisfied (\d+), tolerated (\d+), frustrated (\d+)/.exec(r.out);
  assert.ok(m, r.out);
  const [score, satisfied, tolerated, frustrated] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])];
  assert.equal(satisfied + tolerated + frustrated, 6);
  assert.ok(frustrated >= 2, 'the 600 ms answers are over 4 T');
  assert.ok(satisfied <= 2, 'only the immediate answers can be within T');
  assert.equal(score, Number(((satisfied + tolerated / 2) / 6).toFixed(2)));
});

test('an unset environment variable a request would send empty stops at validate; --dotenv sets it', async (t) => {
  const r = await cli(['validate', join(FIX, 'unset-env.yml')]);
  assert.equal(r.code, 2);
  assert.match(r.err, /unset-env\.yml:9:24 AGENTLOAD_E_TEMPLATE .*AGENTLOAD_ART_UNSET_KEY/);
  const { dir, cleanup } = tempDir('dotenv');
  t.after(cleanup);
  t.after(() => { delete process.env.AGENTLOAD_ART_UNSET_KEY; });
  writeFileSync(join(dir, '.env'), 'AGENTLOAD_ART_UNSET_KEY=k1\n');
  const ok = await cli(['validate', join(FIX, 'unset-env.yml'), '--dotenv', join(dir, '.env')]);
  assert.equal(ok.code, 0, ok.err);
});

test('loop over a dotted path walks the captured list in order', async (t) => {
  const srv = await startHttpServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"items":[{"n":"x"},{"n":"y"},{"n":"z"}]}');
  });
  t.after(() => srv.close());
  const r = await run('loop-over-path.yml', srv.url);
  assert.equal(r.code, 0, r.err);
  assert.deepEqual(srv.requests.map((q) => q.url), ['/list', '/item/x/0', '/item/y/1', '/item/z/2']);
});

test('ifTrue runs a request only when its expression holds over the user\'s variables; probability sends it that share of the time', async (t) => {
  const srv = await startHttpServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"n":3}');
  });
  t.after(() => srv.close());
  const r = await run('conditions.yml', srv.url, ['--seed', '1']);
  assert.equal(r.code, 0, r.err);
  const count = (url: string) => srv.requests.filter((q) => q.url === url).length;
  assert.equal(count('/count'), 20);
  assert.equal(count('/big'), 20, 'n > 2 with the captured n = 3');
  assert.equal(count('/small'), 0);
  assert.equal(count('/admin'), 20);
  assert.equal(count('/never'), 0);
  assert.equal(count('/always'), 20);
  assert.ok(count('/some') > 0 && count('/some') < 20, `probability 50 sent ${count('/some')} of 20`);
  const bad = await cli(['validate', join(FIX, 'conditions.yml'), '--overrides', '{"scenarios":[{"flow":[{"get":{"url":"/x","ifTrue":"n >"}}]}]}']);
  assert.equal(bad.code, 2);
  assert.match(bad.err, /AGENTLOAD_E_SCHEMA scenarios\[0\]\.flow\[0\]: ifTrue "n >"/);
});

test('a capture that finds nothing ends that user\'s scenario, as Artillery: the next request is not sent with an empty value', async (t) => {
  const srv = await startHttpServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(req.url === '/users' ? '{"other":1}' : '{"id":1}');
  });
  t.after(() => srv.close());
  const r = await run('expect-plugin.yml', srv.url);
  assert.deepEqual(srv.requests.map((q) => q.url), ['/users', '/users'], 'no GET /users/ with an empty id');
  const post = r.result.summary.byName.find((n: any) => n.name === 'POST /users');
  assert.deepEqual(post.outcomes.failed, { capture: 2 });
  assert.equal(r.result.summary.counters.vusers_failed, 2);
});
