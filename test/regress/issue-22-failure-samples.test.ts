/**
 * Issue 22: the failures table shows what a failure looked like, not only its
 * cause. Real servers on 127.0.0.1 answer with error bodies, JSON-RPC errors
 * inside a 200, or refuse the connection; the summary keeps a few masked
 * samples per (name, cause), they survive --workers, and the HTML report
 * shows them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closedPort, startHttpServer, type TestHandler } from '../helpers/servers.ts';
import { runInline } from '../helpers/run-inline.ts';
import { agentload } from '../helpers/cli.ts';
import { SAMPLE_CHARS, SAMPLES_PER_CAUSE } from '../../src/engine/metrics/failure-samples.ts';

let served = 0;
/** /boom: a 500 whose body names a different row each time and leaks a token; /rpc: a JSON-RPC error inside a 200. */
const failing: TestHandler = (req, res, body) => {
  if (req.url === '/rpc') {
    const id = (JSON.parse(body) as { id: unknown }).id;
    res.writeHead(200, { 'content-type': 'application/json' });
    return void res.end(JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32603, message: 'tool crashed: sandbox exited 137' } }));
  }
  res.writeHead(500, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: `row ${served++} is locked`, token: 'tok-s3cret', pad: 'x'.repeat(2 * SAMPLE_CHARS) }));
};

const flow = [
  { get: { url: '/boom', name: 'boom' } },
  { post: { url: '/rpc', name: 'rpc', json: { jsonrpc: '2.0', id: 1, method: 'tools.execute', params: {} } } },
];

test('samples per cause: the answer start of a 500, the JSON-RPC error message, bounded in count and length, secrets masked', async (t) => {
  const srv = await startHttpServer(failing, { record: false });
  t.after(() => srv.close());
  const r = await runInline({ target: srv.url, phases: [{ arrivalCount: 12, duration: 0.3 }] }, [{ name: 's', flow }]);
  const boom = r.summary.byName.find((n) => n.name === 'boom')!;
  assert.equal(boom.outcomes.failed.http_500, 12);
  const samples = boom.failureSamples?.http_500 ?? [];
  assert.equal(samples.length, SAMPLES_PER_CAUSE, `12 distinct bodies keep ${SAMPLES_PER_CAUSE}: ${JSON.stringify(samples)}`);
  for (const s of samples) {
    assert.match(s, /row \d+ is locked/);
    assert.ok(s.length <= SAMPLE_CHARS, `cut to ${SAMPLE_CHARS}: ${s.length}`);
    assert.ok(!s.includes('tok-s3cret'), `the token is masked: ${s}`);
  }
  const rpc = r.summary.byName.find((n) => n.name === 'rpc')!;
  assert.equal(rpc.outcomes.failed['rpc_-32603'], 12);
  assert.deepEqual(rpc.failureSamples, { 'rpc_-32603': ['tool crashed: sandbox exited 137'] });
});

test("a JSON-RPC error's data is in the sample: AgentCore answers -32603 'Internal error' and puts the cause in data.details", async (t) => {
  const srv = await startHttpServer((req, res, body) => {
    const id = (JSON.parse(body) as { id: unknown }).id;
    res.writeHead(200, { 'content-type': 'application/json' });
    const data = { details: 'Module execution failed: Circular dependency detected', retry: 0, trace: ['a', 'b'], token: 'api_key=k3y' };
    res.end(JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32603, message: 'Internal error', data } }));
  }, { record: false });
  t.after(() => srv.close());
  const r = await runInline({ target: srv.url, phases: [{ arrivalCount: 3, duration: 0.1 }] }, [{ name: 's', flow: [flow[1]!] }]);
  const rpc = r.summary.byName.find((n) => n.name === 'rpc')!;
  assert.equal(rpc.outcomes.failed['rpc_-32603'], 3);
  const [sample] = rpc.failureSamples?.['rpc_-32603'] ?? [];
  assert.match(sample ?? '', /^Internal error: details: Module execution failed: Circular dependency detected; retry: 0; token: /);
  assert.ok(!sample!.includes('k3y'), `the key is masked: ${sample}`);
  assert.ok(!sample!.includes('trace'), `only string and number members: ${sample}`);
});

test('a refused connection keeps the transport error as its sample', async () => {
  const port = await closedPort();
  const r = await runInline({ target: `http://127.0.0.1:${port}`, phases: [{ arrivalCount: 2, duration: 0.1 }] }, [{ name: 's', flow: [flow[0]!] }]);
  const boom = r.summary.byName.find((n) => n.name === 'boom')!;
  const [cause, texts] = Object.entries(boom.failureSamples ?? {})[0] ?? ['', []];
  assert.equal(cause, Object.keys(boom.outcomes.failed)[0]);
  assert.match(texts.join(' '), /ECONNREFUSED/);
});

test('--workers 2: samples reach the main thread, the JSON and the HTML failures table', async (t) => {
  const srv = await startHttpServer(failing, { record: false });
  const dir = mkdtempSync(join(tmpdir(), 'agentload-samples-'));
  t.after(() => {
    srv.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const plan = join(dir, 'plan.yml');
  writeFileSync(plan, `config:\n  target: ${srv.url}\n  phases: [{ arrivalCount: 8, duration: 0.5 }]\nscenarios:\n  - name: s\n    flow:\n      - get: { url: /boom, name: boom }\n`);
  const run = await agentload(['run', plan, '--workers', '2', '--output', join(dir, 'r.json'), '--html', join(dir, 'r.html')]);
  assert.notEqual(run.code, 2, run.err);
  const json = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as { summary: { byName: Array<{ name: string; failureSamples?: Record<string, string[]> }> } };
  const samples = json.summary.byName.find((n) => n.name === 'boom')?.failureSamples?.http_500 ?? [];
  assert.ok(samples.length >= 1 && samples.length <= SAMPLES_PER_CAUSE, JSON.stringify(samples));
  const html = readFileSync(join(dir, 'r.html'), 'utf8');
  const table = html.slice(html.indexOf('id="failures"'), html.indexOf('<h2>Expectations'));
  assert.match(table, /Sample messages/);
  assert.match(table, /row \d+ is locked/);
  assert.ok(!html.includes('tok-s3cret'));
});

test('agentload merge keeps the shards\' samples, still bounded per cause', async (t) => {
  const srv = await startHttpServer(failing, { record: false });
  const dir = mkdtempSync(join(tmpdir(), 'agentload-samples-merge-'));
  t.after(() => {
    srv.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const plan = join(dir, 'plan.yml');
  writeFileSync(plan, `config:\n  target: ${srv.url}\n  phases: [{ arrivalCount: 8, duration: 0.3 }]\nscenarios:\n  - name: s\n    flow:\n      - get: { url: /boom, name: boom }\n`);
  const files: string[] = [];
  for (const i of [1, 2]) {
    const file = join(dir, `s${i}.json`);
    const run = await agentload(['run', plan, '--shard', `${i}/2`, '--output', file, '--no-console']);
    assert.notEqual(run.code, 2, run.err);
    files.push(file);
  }
  const out = join(dir, 'merged.json');
  const merged = await agentload(['merge', ...files, '--output', out]);
  assert.notEqual(merged.code, 2, merged.err);
  const m = JSON.parse(readFileSync(out, 'utf8')) as { summary: { byName: Array<{ name: string; failureSamples?: Record<string, string[]> }> } };
  const samples = m.summary.byName.find((n) => n.name === 'boom')?.failureSamples?.http_500 ?? [];
  assert.equal(samples.length, SAMPLES_PER_CAUSE, `two shards of 4 distinct bodies each keep ${SAMPLES_PER_CAUSE}: ${JSON.stringify(samples)}`);
});
