/**
 * Issue 20, item 5: credentials in the target URL never reach a report, a
 * log line or an error message.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { agentload } from '../helpers/cli.ts';
import { startHttpServer } from '../helpers/servers.ts';
import { redactUrl } from '../../src/engine/redact.ts';
import { refusedUrl } from '../helpers/hostile-servers.ts';

const dir = mkdtempSync(join(tmpdir(), 'agentload-i20c-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const SECRETS = ['s3cret-pass', 'q-token-value', 'hdr-bearer-secret', 'env-api-key-secret', 'cookie-secret'];

test('redactUrl masks userinfo and secret-looking query values, and leaves the rest as written', () => {
  assert.equal(redactUrl('https://alice:s3cret-pass@gw.example:8443/api?api_key=k1&x=1'), 'https://***@gw.example:8443/api?api_key=***&x=1');
  assert.equal(redactUrl('http://127.0.0.1:8001'), 'http://127.0.0.1:8001');
  assert.equal(redactUrl('http://token@host/'), 'http://***@host/');
  assert.equal(redactUrl('sim'), 'sim');
  assert.equal(redactUrl('htp:/broken//u:p@x'), 'htp:/broken//u:p@x');
  assert.equal(redactUrl('foo://u:p@ho st'), 'foo://***@ho st');
});

test('the JSON, HTML, JUnit and CSV reports and the console show neither the target\'s credentials nor secret headers', async (t) => {
  const srv = await startHttpServer((_req, res) => { res.end('{}'); });
  t.after(() => srv.close());
  const target = srv.url.replace('http://', 'http://alice:s3cret-pass@') + '/?access_token=q-token-value';
  const plan = join(dir, 'plan.yml');
  writeFileSync(plan, `config:\n  target: "${target}"\n  phases: [{ duration: 1, arrivalCount: 2 }]\nscenarios:\n  - name: s\n    flow:\n` +
    `      - get: { url: /a, headers: { Authorization: "Bearer hdr-bearer-secret", X-Api-Key: "{{ env 'AGENTLOAD_I20_KEY' }}", Cookie: "sid=cookie-secret" } }\n`);
  const out = join(dir, 'out');
  process.env.AGENTLOAD_I20_KEY = 'env-api-key-secret';
  const r = await agentload(['run', plan, '--output', `${out}.json`, '--html', `${out}.html`, '--junit', `${out}.xml`, '--csv', out]);
  delete process.env.AGENTLOAD_I20_KEY;
  assert.equal(srv.requests[0]?.headers['x-api-key'], 'env-api-key-secret', 'the secrets were sent');
  assert.equal(r.code, 0, r.err);
  assert.equal(srv.requests.length, 2);
  const files = readdirSync(dir).filter((f) => f.startsWith('out'));
  assert.ok(files.length >= 4, files.join(', '));
  for (const f of files) {
    const text = readFileSync(join(dir, f), 'utf8');
    for (const s of SECRETS) assert.ok(!text.includes(s), `${f} contains ${s}`);
  }
  assert.match(JSON.parse(readFileSync(`${out}.json`, 'utf8')).info.target, /^http:\/\/\*\*\*@127\.0\.0\.1:\d+\/\?access_token=\*\*\*$/);
  for (const s of SECRETS) assert.ok(!(r.out + r.err).includes(s), `console output contains ${s}`);
});

test('the unreachable-target error names the target without its credentials', async () => {
  const plan = join(dir, 'down.yml');
  writeFileSync(plan, `config:\n  target: "${(await refusedUrl()).replace('http://', 'http://bob:s3cret-pass@')}"\n  phases: [{ duration: 1, arrivalCount: 1 }]\nscenarios:\n  - name: s\n    flow:\n      - get: { url: /a }\n`);
  const r = await agentload(['run', plan, '--output', join(dir, 'down.json')]);
  assert.equal(r.code, 3);
  assert.match(r.err, /AGENTLOAD_E_TARGET_UNREACHABLE.*http:\/\/\*\*\*@127\.0\.0\.1/);
  assert.ok(!(r.out + r.err + readFileSync(join(dir, 'down.json'), 'utf8')).includes('s3cret-pass'));
});
