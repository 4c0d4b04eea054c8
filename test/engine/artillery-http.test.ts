/**
 * Artillery's HTTP request features (issue 18): the per-user cookie jar,
 * redirects, TLS without certificate checks, multipart uploads from files and
 * templated expect values. The plans under test/fixtures/artillery/ are
 * written in Artillery's syntax and run through the CLI against servers on
 * 127.0.0.1; each test asserts what Artillery's docs say is sent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { cli, tempDir } from '../cli/cli-fixture.ts';
import { FIX, runArtillery } from './artillery-fixture.ts';
import { startHttpServer } from '../helpers/servers.ts';


const run = runArtillery;

function byName(result: any): Record<string, any> {
  return Object.fromEntries(result.summary.byName.map((n: any) => [n.name, n]));
}

/** Cookie header as a map. */
function cookiesOf(header: unknown): Record<string, string> {
  if (typeof header !== 'string') return {};
  return Object.fromEntries(header.split(/;\s*/).map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
}

test('cookie jar: each user sends back its own set-cookie where path and expiry allow; defaults.cookie and a request cookie join it', async (t) => {
  let next = 0;
  const srv = await startHttpServer((req, res) => {
    if (req.url === '/login') {
      res.setHeader('set-cookie', [`session=s${++next}; Path=/; HttpOnly`, 'scoped=1; Path=/api', 'gone=1; Max-Age=0']);
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  t.after(() => srv.close());
  const r = await run('cookies.yml', srv.url);
  assert.equal(r.code, 0, r.out + r.err);
  const at = (url: string) => srv.requests.filter((q) => q.url === url).map((q) => cookiesOf(q.headers.cookie));
  assert.deepEqual(at('/login'), [{ lang: 'en' }, { lang: 'en' }, { lang: 'en' }], 'before its first answer a user sends only the default cookie');
  const me = at('/api/me');
  const other = at('/other');
  assert.equal(me.length, 3);
  assert.deepEqual(new Set(me.map((c) => c.session)), new Set(['s1', 's2', 's3']), 'each user its own session');
  for (const c of me) assert.deepEqual(Object.keys(c).sort(), ['lang', 'scoped', 'session', 'theme'], 'Path=/api matches /api/me; Max-Age=0 is gone');
  // A request's cookie goes into the jar under the request's default path (/api for /api/me), as Artillery's setCookieSync(url) does.
  for (const c of other) assert.deepEqual(Object.keys(c).sort(), ['lang', 'session'], 'Path=/api (set or default) does not match /other');
  // The jar is per user: the session /other carries is the one the same user sent to /api/me.
  const pairs = srv.requests.filter((q) => q.url !== '/login').map((q) => cookiesOf(q.headers.cookie).session);
  assert.equal(new Set(pairs).size, 3);

  srv.requests.length = 0;
  const off = await run('cookies.yml', srv.url, ['--overrides', '{"config":{"http":{"cookieJar":false}}}']);
  assert.equal(off.code, 0, off.out + off.err);
  assert.deepEqual(at('/api/me'), [{ lang: 'en', theme: 'dark' }, { lang: 'en', theme: 'dark' }, { lang: 'en', theme: 'dark' }], 'jar off: request cookies go with that request only');
  assert.deepEqual(at('/other'), [{ lang: 'en' }, { lang: 'en' }, { lang: 'en' }]);
});

test('cookieJarOptions are tough-cookie\'s: looseMode keeps a cookie without "="; without it the cookie is skipped and counted', async (t) => {
  const srv = await startHttpServer((req, res) => {
    if (req.url === '/bare') res.setHeader('set-cookie', 'bareword');
    res.writeHead(200).end('ok');
  });
  t.after(() => srv.close());
  const loose = await run('cookies-loose.yml', srv.url);
  assert.equal(loose.code, 0, loose.out + loose.err);
  assert.equal(srv.requests.find((q) => q.url === '/after')!.headers.cookie, 'bareword');
  srv.requests.length = 0;
  const strict = await run('cookies-loose.yml', srv.url, ['--overrides', '{"config":{"http":{"cookieJarOptions":{"looseMode":false}}}}']);
  assert.equal(strict.code, 0, strict.out + strict.err);
  assert.equal(srv.requests.find((q) => q.url === '/after')!.headers.cookie, undefined);
  assert.equal(strict.result.summary.counters.http_cookie_errors, 1);
});

test('redirects are followed by default as one request (303 turns into GET); followRedirect: false records the 3xx; a loop stops after 10 hops', async (t) => {
  const srv = await startHttpServer((req, res) => {
    if (req.url === '/old') res.writeHead(302, { location: '/new', 'set-cookie': 'hop=1; Path=/' }).end();
    else if (req.url === '/new') res.writeHead(200, { 'content-type': 'application/json' }).end('{"page":"p7"}');
    else if (req.url === '/form') res.writeHead(303, { location: `http://127.0.0.1:${srv.port}/done` }).end();
    else if (req.url === '/loop') res.writeHead(307, { location: '/loop' }).end();
    else res.writeHead(200).end('ok');
  });
  t.after(() => srv.close());
  const r = await run('redirects.yml', srv.url);
  assert.equal(r.code, 0, r.out + r.err);
  const seen = srv.requests.map((q) => `${q.method} ${q.url}`);
  assert.deepEqual(seen.slice(0, 6), ['GET /old', 'GET /new', 'GET /seen/p7', 'POST /form', 'GET /done', 'GET /old'], 'captured from the final answer; 303 → GET');
  assert.equal(seen.filter((s) => s === 'GET /loop').length, 11, 'the request and 10 hops');
  assert.equal(srv.requests.find((q) => q.url === '/done')!.body, '', 'no body after a 303');
  assert.equal(srv.requests.find((q) => q.url === '/new')!.headers.cookie, 'hop=1', 'a cookie the 302 set goes with the next hop');
  const n = byName(r.result);
  assert.equal(n['GET /old'].count, 1, 'the chain is one request');
  assert.deepEqual(n['GET /old'].statuses, { 200: 1 });
  assert.deepEqual(n['no-follow'].statuses, { 302: 1 });
  assert.deepEqual(n.loop.outcomes.failed, { too_many_redirects: 1 });
  assert.equal(r.result.summary.counters.http_redirects, 1 + 1 + 10);
});

/** An HTTPS server on 127.0.0.1 with a self-signed certificate made by openssl for this test. */
async function selfSignedServer(dir: string) {
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    '-days', '1', '-subj', '/CN=127.0.0.1'], { stdio: 'ignore' });
  let hits = 0;
  const server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => {
    hits++;
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      // A JSON-RPC call (the tool-rpc engine) gets its result; anything else a plain 200.
      if (body.includes('"jsonrpc"')) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: JSON.parse(body).id, result: {} }));
      else res.writeHead(200).end('secure');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, hits: () => hits, close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

test('TLS: config.tls.rejectUnauthorized false and -k accept a self-signed certificate with one warning; without either it is refused', async (t) => {
  const { dir, cleanup } = tempDir('artillery-tls');
  t.after(cleanup);
  const srv = await selfSignedServer(dir);
  t.after(() => srv.close());
  const warning = /warning: TLS certificates are not verified/g;
  const insecure = await run('tls.yml', srv.url);
  assert.equal(insecure.code, 0, insecure.out + insecure.err);
  assert.equal(srv.hits(), 2);
  assert.equal((insecure.out + insecure.err).match(warning)?.length, 1, 'printed once');
  const strict = await run('tls-strict.yml', srv.url);
  assert.equal(srv.hits(), 2, 'refused before any request reached the server');
  assert.deepEqual(strict.result.summary.byName[0].outcomes.failed, { tls: 1 }, 'the certificate is refused as tls');
  assert.equal((strict.out + strict.err).match(warning), null);
  const k = await run('tls-strict.yml', srv.url, ['-k']);
  assert.equal(k.code, 0, k.out + k.err);
  assert.equal(srv.hits(), 3);
  assert.equal((k.out + k.err).match(warning)?.length, 1);
  // -k applies to the tool-rpc engine's calls over HTTPS too (config.http is shared).
  const rpcPlan = join(dir, 'rpc.yml');
  writeFileSync(rpcPlan, ['config:', `  target: ${srv.url}`, '  phases: [{ duration: 1, arrivalCount: 1 }]', 'scenarios:', '  - name: rpc', '    engine: tool-rpc', '    flow:', '      - call: { method: agent.ping }', ''].join('\n'));
  const rpc = await cli(['run', rpcPlan, '-k', '--no-console', '-o', join(dir, 'rpc.json')]);
  assert.equal(rpc.code, 0, rpc.out + rpc.err);
  assert.equal(srv.hits(), 4);
  assert.equal(JSON.parse(readFileSync(join(dir, 'rpc.json'), 'utf8')).summary.byName[0].ok, 1);
});

test('formData: fromFile is read relative to the script and sent as a file part typed by its extension; contentType and filename options; templated fields', async (t) => {
  const srv = await startHttpServer((_req, res) => {
    res.writeHead(200).end('ok');
  });
  t.after(() => srv.close());
  const r = await run('form-upload.yml', srv.url);
  assert.equal(r.code, 0, r.out + r.err);
  const q = srv.requests[0]!;
  const boundary = /boundary=(.+)$/.exec(String(q.headers['content-type']))![1]!;
  assert.match(String(q.headers['content-type']), /^multipart\/form-data; boundary=/);
  const file = readFileSync(join(FIX, 'upload.txt'), 'utf8');
  const parts = q.body.split(`--${boundary}`).slice(1, -1).map((p) => p.replace(/^\r\n/, '').replace(/\r\n$/, ''));
  assert.deepEqual(parts, [
    'content-disposition: form-data; name="name"\r\n\r\nann',
    `content-disposition: form-data; name="document"; filename="upload.txt"\r\ncontent-type: text/plain\r\n\r\n${file}`,
    'content-disposition: form-data; name="data"\r\ncontent-type: application/json\r\n\r\n{"a":1}',
    `content-disposition: form-data; name="renamed"; filename="report.csv"\r\ncontent-type: text/plain\r\n\r\n${file}`,
  ]);
  assert.ok(q.body.endsWith(`--${boundary}--\r\n`));
  assert.equal(Number(q.headers['content-length']), Buffer.byteLength(q.body));
  const missing = await cli(['validate', join(FIX, 'form-upload-missing.yml')]);
  assert.equal(missing.code, 2);
  assert.match(missing.err, /form-upload-missing\.yml:10:\d+ AGENTLOAD_E_PLAN_READ .*fromFile.*no-such-file\.bin.*ENOENT/);
});

test('expect plugin with templates: statusCode, contentType, hasHeader, headerEquals, matchesRegexp and equals render the user\'s values; templated auth', async (t) => {
  const srv = await startHttpServer((_req, res) => {
    res.writeHead(201, { 'content-type': 'application/json', 'x-item': '42' }).end('{"id":42,"text":"item-42"}');
  });
  t.after(() => srv.close());
  const r = await run('expect-templates.yml', srv.url);
  assert.equal(r.code, 1, 'failed checks fail the run, as the plugin does (Artillery exits 21)');
  const posts = srv.requests.filter((q) => q.method === 'POST');
  assert.equal(posts.length, 2);
  for (const q of posts) assert.equal(q.headers.authorization, `Basic ${Buffer.from('ann:s3cret').toString('base64')}`);
  const n = byName(r.result);
  assert.equal(n['POST /items'].ok, 2, 'every templated check holds');
  assert.deepEqual(n['wrong-header'].outcomes.failed, { expect_header: 2 });
  assert.deepEqual(n['wrong-status'].outcomes.failed, { expect_status: 2 });
  assert.deepEqual(n['wrong-body'].outcomes.failed, { expect_body: 2 });
  assert.deepEqual(n.unequal.outcomes.failed, { expect_equals: 2 });
  const v = await cli(['validate', join(FIX, 'expect-templates.yml')]);
  assert.equal(v.code, 0, v.err);
});

test('formData: a templated fromFile sends the file each user picked, read once per file; a file that does not exist fails that request', async (t) => {
  const srv = await startHttpServer((_req, res) => {
    res.writeHead(200).end('ok');
  });
  t.after(() => srv.close());
  const r = await run('form-upload-templated.yml', srv.url, ['--seed', '5']);
  const files: Record<string, string> = { 'upload.txt': 'text/plain', 'users.csv': 'text/csv' };
  const sent = new Set<string>();
  for (const q of srv.requests) {
    const m = /filename="([^"]+)"\r\ncontent-type: ([^\r]+)\r\n\r\n/.exec(q.body)!;
    assert.ok(m, q.body);
    assert.equal(files[m[1]!], m[2], 'typed by its extension');
    assert.ok(q.body.includes(readFileSync(join(FIX, m[1]!), 'utf8')), `${m[1]} sent whole`);
    sent.add(m[1]!);
  }
  const n = r.result.summary.byName[0];
  assert.equal(n.count, 8);
  assert.equal(srv.requests.length + (n.outcomes.failed.error_enoent ?? 0), 8, 'the rest failed as error_enoent');
  assert.deepEqual([...sent].sort(), ['upload.txt', 'users.csv']);
  assert.ok((n.outcomes.failed.error_enoent ?? 0) > 0, 'some user picked the missing file (seed 5)');
  assert.equal(r.code, 0, 'no expectation names the failures');
});
