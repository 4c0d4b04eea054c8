/**
 * Issue 16 item 2: an http step whose json body is a JSON-RPC 2.0 request is
 * classified as a tool-rpc call: an error inside a 200 is a failure, expected
 * codes are expected outcomes, ids are checked; `jsonrpc: false` turns it off.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHttpServer, type TestServer } from '../helpers/servers.ts';
import { runInline } from '../helpers/run-inline.ts';
import { agentload } from '../helpers/cli.ts';

type Result = Awaited<ReturnType<typeof runInline>>;
const byName = (r: Result, name: string) => r.summary.byName.find((n) => n.name === name)!;
const once = { phases: [{ arrivalCount: 1, duration: 0.1 }] };

/**
 * A gateway that answers every JSON-RPC request with a 200, as AgentCore does:
 * method boom → -32603, limited → -32001, wrong_id → the id + 1000, anything else → a result.
 * A batch gets one answer per request that has an id.
 */
function answer(m: { id?: unknown; method?: string; params?: unknown }): unknown {
  if (m.method === 'boom') return { jsonrpc: '2.0', id: m.id, error: { code: -32603, message: 'boom' } };
  if (m.method === 'limited') return { jsonrpc: '2.0', id: m.id, error: { code: -32001, message: 'slow down' } };
  if (m.method === 'wrong_id') return { jsonrpc: '2.0', id: Number(m.id) + 1000, result: {} };
  return { jsonrpc: '2.0', id: m.id, result: { echo: m.params ?? null } };
}

async function gateway(t: { after(fn: () => unknown): void }): Promise<TestServer> {
  const srv = await startHttpServer((_req, res, body) => {
    const doc = JSON.parse(body) as unknown;
    const out = Array.isArray(doc) ? doc.filter((m) => 'id' in m).map(answer) : answer(doc as never);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(out));
  });
  t.after(() => srv.close());
  return srv;
}

const rpc = (name: string, method: string, extra: Record<string, unknown> = {}) =>
  ({ post: { url: '/api/v1/jsonrpc', name, json: { jsonrpc: '2.0', id: 7, method }, ...extra } });

test('a JSON-RPC error in a 200 fails as rpc_<code>; -32001 is rate_limited; a result is ok; a wrong id fails', async (t) => {
  const srv = await gateway(t);
  const r = await runInline({ target: srv.url, ...once }, [{
    name: 's', flow: [rpc('boom', 'boom'), rpc('limited', 'limited'), rpc('good', 'agent.ping'), rpc('wrong id', 'wrong_id')],
  }]);
  assert.equal(srv.requests.length, 4);
  assert.deepEqual(byName(r, 'boom').outcomes, { ok: 0, failed: { 'rpc_-32603': 1 }, expected: {} });
  assert.deepEqual(byName(r, 'limited').outcomes, { ok: 0, failed: {}, expected: { rate_limited: 1 } });
  assert.deepEqual(byName(r, 'good').outcomes, { ok: 1, failed: {}, expected: {} });
  assert.deepEqual(byName(r, 'wrong id').outcomes, { ok: 0, failed: { rpc_id_mismatch: 1 }, expected: {} });
  assert.equal(r.summary.overall.errors, 2, 'boom and wrong id; rate_limited is expected, not an error');
  assert.equal(r.summary.overall.expected, 1);
});

test('the plan\'s outcomes apply: config.outcomes names a code, a step turns a default off', async (t) => {
  const srv = await gateway(t);
  const r = await runInline({ target: srv.url, outcomes: { tool_down: { codes: [-32603] } }, ...once }, [{
    name: 's', flow: [rpc('boom', 'boom'), rpc('limited', 'limited', { outcomes: { rate_limited: false } })],
  }]);
  assert.deepEqual(byName(r, 'boom').outcomes, { ok: 0, failed: {}, expected: { tool_down: 1 } });
  assert.deepEqual(byName(r, 'limited').outcomes, { ok: 0, failed: { 'rpc_-32001': 1 }, expected: {} });
});

test('a templated body with literal jsonrpc/method keys counts; ids are read from the body as sent; captures and expect run on the answer', async (t) => {
  const srv = await gateway(t);
  const r = await runInline({ target: srv.url, variables: { who: 'me' }, ...once }, [{
    name: 's', flow: [
      { post: { url: '/rpc', name: 'templated boom', json: { jsonrpc: '2.0', id: '{{ vu }}-a', method: 'boom', params: { who: '{{ who }}' } } } },
      { post: { url: '/rpc', name: 'templated ok', json: { jsonrpc: '2.0', id: 'x-{{ vu }}', method: 'echo', params: { who: '{{ who }}' } },
        capture: { json: 'result.echo.who', as: 'echoed' } } },
      { post: { url: '/rpc', name: 'uses capture', json: { jsonrpc: '2.0', id: 1, method: 'echo', params: { got: '{{ echoed }}' } },
        expect: { json: [{ path: 'result.echo.got', equals: 'me' }] } } },
      { post: { url: '/rpc', name: 'expect fails', json: { jsonrpc: '2.0', id: 2, method: 'echo' }, expect: { json: [{ path: 'result.nope', exists: true }] } } },
    ],
  }]);
  assert.deepEqual(byName(r, 'templated boom').outcomes.failed, { 'rpc_-32603': 1 });
  assert.equal(byName(r, 'templated ok').ok, 1);
  assert.equal(byName(r, 'uses capture').ok, 1, 'the capture reached the next step');
  assert.equal(JSON.parse(srv.requests[2]!.body).params.got, 'me');
  assert.deepEqual(byName(r, 'expect fails').outcomes.failed, { expect_json: 1 });
});

test('a batch body: the step fails when any call fails; an answer missing for an id fails as rpc_missing_id', async (t) => {
  const srv = await gateway(t);
  const req = (id: number, method: string) => ({ jsonrpc: '2.0', id, method });
  const r = await runInline({ target: srv.url, ...once }, [{
    name: 's', flow: [
      { post: { url: '/rpc', name: 'batch ok', json: [req(1, 'a'), req(2, 'b'), { jsonrpc: '2.0', method: 'notify' }] } },
      { post: { url: '/rpc', name: 'batch boom', json: [req(1, 'a'), req(2, 'boom')] } },
      { post: { url: '/rpc', name: 'batch limited', json: [req(1, 'a'), req(2, 'limited')] } },
      { post: { url: '/rpc', name: 'batch wrong id', json: [req(1, 'a'), req(2, 'wrong_id')] } },
    ],
  }]);
  assert.equal(byName(r, 'batch ok').ok, 1);
  assert.deepEqual(byName(r, 'batch boom').outcomes.failed, { 'rpc_-32603': 1 });
  assert.deepEqual(byName(r, 'batch limited').outcomes.expected, { rate_limited: 1 });
  assert.deepEqual(byName(r, 'batch wrong id').outcomes.failed, { rpc_missing_id: 1 });
  assert.equal(r.summary.counters.rpc_foreign_ids, 1, 'the answer with id 1002 matched no call');
});

test('HTTP 429 on a JSON-RPC body is rate_limited; a 200 that is not JSON-RPC fails as rpc_invalid_envelope', async (t) => {
  const srv = await startHttpServer((req, res) => {
    if (req.url === '/busy') { res.writeHead(429); res.end(); return; }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  t.after(() => srv.close());
  const r = await runInline({ target: srv.url, ...once }, [{
    name: 's', flow: [
      { post: { url: '/busy', name: 'busy', json: { jsonrpc: '2.0', id: 1, method: 'm' } } },
      { post: { url: '/plain', name: 'plain', json: { jsonrpc: '2.0', id: 1, method: 'm' } } },
      { post: { url: '/plain', name: 'not rpc', json: { method: 'm', id: 1 } } },
    ],
  }]);
  assert.deepEqual(byName(r, 'busy').outcomes.expected, { rate_limited: 1 });
  assert.deepEqual(byName(r, 'plain').outcomes.failed, { rpc_invalid_envelope: 1 });
  assert.equal(byName(r, 'not rpc').ok, 1, 'a body without jsonrpc "2.0" is plain HTTP');
});

test('bin/agentload run: the README-style POST against a gateway answering -32603 in a 200 exits 1 on maxErrorRate; jsonrpc: false is ok as before', async (t) => {
  const srv = await gateway(t);
  const dir = mkdtempSync(join(tmpdir(), 'agentload-http-jsonrpc-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const plan = join(dir, 'plan.yml');
  writeFileSync(plan, [
    'config:',
    `  target: ${srv.url}`,
    '  phases: [{ arrivalCount: 5, duration: 1 }]',
    '  expect: { maxErrorRate: 0.1% }',
    'scenarios:',
    '  - name: gateway',
    '    flow:',
    '      - post:',
    '          url: /api/v1/jsonrpc',
    '          name: agent.boom',
    '          json: { jsonrpc: "2.0", id: "{{uuid}}", method: boom, params: { agent_id: "a-{{vu}}" } }',
    '      - post: { url: /api/v1/jsonrpc, name: unchecked, jsonrpc: false, json: { jsonrpc: "2.0", id: 1, method: boom } }',
  ].join('\n'));
  const output = join(dir, 'run.json');
  const r = await agentload(['run', plan, '--output', output, '--quiet']);
  assert.equal(r.code, 1, `${r.out}\n${r.err}`);
  const doc = JSON.parse(readFileSync(output, 'utf8'));
  const boom = (doc.summary.byName as Array<{ name: string; outcomes: { failed: Record<string, number> } }>).find((n) => n.name === 'agent.boom')!;
  assert.deepEqual(boom.outcomes.failed, { 'rpc_-32603': 5 });
  const unchecked = (doc.summary.byName as Array<{ name: string; ok: number; errors: number }>).find((n) => n.name === 'unchecked')!;
  assert.deepEqual([unchecked.ok, unchecked.errors], [5, 0], 'jsonrpc: false: the 200 is ok, as before');
  assert.equal(doc.summary.overall.errorRate, 0.5);
  assert.ok(doc.expectations.some((e: { name: string; isPass: boolean }) => /error/i.test(e.name) && !e.isPass), JSON.stringify(doc.expectations));
});
