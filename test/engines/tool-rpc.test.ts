import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHttpServer, closedPort, type TestHandler } from '../helpers/servers.ts';
import { inlinePlan, runInline } from '../helpers/run-inline.ts';
import { compilePlan } from '../../src/engine/compile/compile-plan.ts';
import { HdrSink } from '../../src/engine/metrics/hdr-sink.ts';
import { builtinEngines } from '../../src/engines/index.ts';
import { loadPlan } from '../../src/engine/plan/load-plan.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

type Result = Awaited<ReturnType<typeof runInline>>;
const byName = (r: Result, name: string) => {
  const s = r.summary.byName.find((n) => n.name === name);
  assert.ok(s, `no summary for ${name}: ${r.summary.byName.map((n) => n.name).join(', ')}`);
  return s;
};

/** A JSON-RPC server whose answer per call is decided by `answer(msg)`: a raw string body, or an object to send as JSON. */
function rpcServer(answer: (msg: any, raw: string) => { status?: number; body: unknown; headers?: Record<string, string> }): TestHandler {
  return (_req, res, body) => {
    let msg: unknown;
    try { msg = JSON.parse(body); } catch { msg = undefined; }
    const a = answer(msg, body);
    res.writeHead(a.status ?? 200, { 'content-type': 'application/json', ...(a.headers ?? {}) });
    res.end(typeof a.body === 'string' ? a.body : JSON.stringify(a.body));
  };
}

const result = (m: any, value: unknown) => ({ body: { jsonrpc: '2.0', id: m.id, result: value } });
const error = (m: any, code: number, status = 200) => ({ status, body: { jsonrpc: '2.0', id: m.id, error: { code, message: `e${code}` } } });

const once = (extra: Record<string, unknown> = {}) => ({ phases: [{ arrivalCount: 4, duration: 0.1 }], ...extra });

test('every outcome class: ok, expected by code and status, failed with a closed-vocabulary reason', async (t) => {
  const srv = await startHttpServer(rpcServer((m, raw) => {
    switch (m?.method) {
      case 'ok': return result(m, { answer: 42, execution_trace: { verification_passed: true } });
      case 'unverified': return result(m, { answer: 42, execution_trace: { verification_passed: false } });
      case 'limited': return error(m, -32001);
      case 'quota': return error(m, -32005);
      case 'limited429': return { status: 429, body: '' };
      case 'unknown': return error(m, -32601);
      case 'boom': return { status: 500, body: 'oops' };
      case 'unauth': return error(m, -32002, 401);
      case 'notjson': return { body: '<html>gateway</html>' };
      case 'noversion': return { body: { id: m.id, result: 1 } };
      case 'both': return { body: { jsonrpc: '2.0', id: m.id, result: 1, error: { code: 1, message: 'x' } } };
      case 'neither': return { body: { jsonrpc: '2.0', id: m.id } };
      case 'wrongid': return { body: { jsonrpc: '2.0', id: 'someone-else', result: 1 } };
      case 'array': return { body: [{ jsonrpc: '2.0', id: m.id, result: 1 }] };
      default: return { status: 400, body: raw };
    }
  }));
  t.after(() => srv.close());
  const methods = ['ok', 'unverified', 'limited', 'quota', 'limited429', 'unknown', 'boom', 'unauth', 'notjson', 'noversion', 'both', 'neither', 'wrongid', 'array'];
  const verified = { json: [{ path: 'result.answer', exists: true }, { path: 'result.execution_trace.verification_passed', equals: true }] };
  const r = await runInline({ target: srv.url, ...once() }, [{
    name: 's', engine: 'tool-rpc',
    flow: methods.map((method) => ({ call: { method, ...(method === 'ok' || method === 'unverified' ? { expect: verified } : {}) } })),
  }]);
  const outcomes = Object.fromEntries(methods.map((m) => [m, byName(r, m).outcomes]));
  assert.deepEqual(outcomes.ok, { ok: 4, failed: {}, expected: {} });
  assert.deepEqual(outcomes.unverified!.failed, { expect_json: 4 });
  assert.deepEqual(outcomes.limited!.expected, { rate_limited: 4 });
  assert.deepEqual(outcomes.quota!.expected, { quota_exceeded: 4 });
  assert.deepEqual(outcomes.limited429!.expected, { rate_limited: 4 });
  assert.deepEqual(outcomes.unknown!.failed, { 'rpc_-32601': 4 }, 'a JSON-RPC error inside HTTP 200 is a failure');
  assert.deepEqual(outcomes.boom!.failed, { http_500: 4 });
  assert.deepEqual(outcomes.unauth!.failed, { http_401: 4 });
  assert.deepEqual(outcomes.notjson!.failed, { rpc_not_json: 4 });
  for (const m of ['noversion', 'both', 'neither', 'array']) assert.deepEqual(outcomes[m]!.failed, { rpc_invalid_envelope: 4 }, m);
  assert.deepEqual(outcomes.wrongid!.failed, { rpc_id_mismatch: 4 });
  assert.equal(byName(r, 'limited').errors, 0, 'expected outcomes are not errors');
  assert.equal(byName(r, 'limited429').statuses['429'], 4);
  assert.equal(r.summary.overall.expected, 12);
  assert.equal(r.summary.overall.errors, 4 * 10);
});

test('static params are serialised once; only the id differs between requests; names, tags and headers apply', async (t) => {
  const srv = await startHttpServer(rpcServer((m) => result(m, { success: true })));
  t.after(() => srv.close());
  const r = await runInline({ target: srv.url, rpcPath: '/rpc', headers: { authorization: 'Bearer t0k' }, ...once() }, [{
    name: 's', engine: 'tool-rpc', flow: [
      { call: { method: 'tools.execute', params: { tool_id: 'echo', parameters: { message: 'héllo' } }, tags: { class: 'light' } } },
      { call: { method: 'tools.execute', params: { tool_id: '{{ tool }}' }, headers: { 'x-client-id': 'vu-{{vu}}' } } },
      { call: { method: 'tools.list', id: 'fixed-1', name: 'list' } },
    ],
  }]);
  const echo = byName(r, 'tools.execute (echo)');
  assert.deepEqual(echo.tags, { class: 'light' });
  assert.equal(echo.ok, 4);
  assert.equal(byName(r, 'tools.execute').ok, 4, 'a templated tool_id keeps the plain method name');
  assert.equal(byName(r, 'list').ok, 4);
  assert.ok(srv.requests.every((q) => q.url === '/rpc' && q.method === 'POST' && q.headers.authorization === 'Bearer t0k'));
  assert.ok(srv.requests.every((q) => q.headers['content-type'] === 'application/json'));
  const echoBodies = srv.requests.filter((q) => q.body.includes('"echo"')).map((q) => q.body);
  assert.equal(echoBodies.length, 4);
  const withoutId = new Set(echoBodies.map((b) => b.replace(/"id":\d+/, '"id":N')));
  assert.equal(withoutId.size, 1, 'identical apart from the id');
  assert.deepEqual(JSON.parse(echoBodies[0]!).params, { tool_id: 'echo', parameters: { message: 'héllo' } });
  const dynamic = srv.requests.filter((q) => q.headers['x-client-id'] !== undefined);
  assert.equal(dynamic.length, 4);
  assert.ok(dynamic.every((q) => /^vu-\d+$/.test(String(q.headers['x-client-id']))));
  assert.ok(srv.requests.filter((q) => q.body.includes('tools.list')).every((q) => JSON.parse(q.body).id === 'fixed-1'));
});

test('capture feeds later calls; params templates render numbers as numbers', async (t) => {
  const srv = await startHttpServer(rpcServer((m) => m.method === 'login' ? result(m, { token: `tok-${m.params.user}` }) : result(m, m.params)));
  t.after(() => srv.close());
  const r = await runInline({ target: srv.url, ...once() }, [{
    name: 's', engine: 'tool-rpc', flow: [
      { call: { method: 'login', params: { user: 'u{{vu}}' }, capture: { json: 'result.token', as: 'token' } } },
      { call: { method: 'use', params: { token: '{{token}}', n: '{{randomInt 5 5}}' }, expect: { json: [{ path: 'result.token', matches: '^tok-u\\d+$' }, { path: 'result.n', equals: 5 }] } } },
    ],
  }]);
  assert.equal(byName(r, 'use').ok, 4, JSON.stringify(byName(r, 'use').outcomes));
});

test('a refused connection and a timeout are failed outcomes, never exceptions', async (t) => {
  const port = await closedPort();
  const r1 = await runInline({ target: `http://127.0.0.1:${port}`, ...once() }, [{ name: 's', engine: 'tool-rpc', flow: [{ call: { method: 'x' } }] }]);
  assert.deepEqual(byName(r1, 'x').outcomes.failed, { econnrefused: 4 });
  const slow = await startHttpServer(() => { /* never answers */ });
  t.after(() => slow.close());
  const r2 = await runInline({ target: slow.url, ...once() }, [{ name: 's', engine: 'tool-rpc', flow: [{ call: { method: 'x', timeout: '200ms' } }] }]);
  assert.deepEqual(byName(r2, 'x').outcomes.failed, { timeout: 4 });
  assert.ok(byName(r2, 'x').latencyMs.min >= 190, 'a timeout records the time spent');
});

test('a refused connection with calls queued for it is counted, not a crash (undici fails them in one loop)', async () => {
  const port = await closedPort();
  const r = await runInline({ target: `http://127.0.0.1:${port}`, http: { connections: 1 }, phases: [{ arrivalCount: 20, duration: 0.01 }] },
    [{ name: 's', engine: 'tool-rpc', flow: [{ call: { method: 'x' } }, { call: { method: 'y' } }] }]);
  assert.deepEqual(byName(r, 'x').outcomes.failed, { econnrefused: 20 });
  assert.deepEqual(byName(r, 'y').outcomes.failed, { econnrefused: 20 });
});

test('plan errors: bad outcome names, codes and retry values are located before any request', () => {
  const compile = (config: Record<string, unknown>, call: Record<string, unknown>) => compilePlan(
    inlinePlan({ target: 'http://127.0.0.1:1', phases: [{ arrivalCount: 1, duration: 1 }], ...config }, [{ name: 's', engine: 'tool-rpc', flow: [{ call: { method: 'm', ...call } }] }]),
    { engines: builtinEngines(), sink: new HdrSink() });
  const code = (f: () => unknown, c: string, path: string) => assert.throws(f, (e: any) => e.code === c && e.yamlPath === path, path);
  code(() => compile({ outcomes: { 'Rate-Limited': { codes: [-32001] } } }, {}), 'AGENTLOAD_E_SCHEMA', 'config.outcomes.Rate-Limited');
  code(() => compile({}, { outcomes: { limited: { codes: ['x'] } } }), 'AGENTLOAD_E_SCHEMA', 'scenarios[0].flow[0].call.outcomes.limited.codes');
  code(() => compile({}, { retry: { attempts: 0 } }), 'AGENTLOAD_E_SCHEMA', 'scenarios[0].flow[0].call.retry.attempts');
  code(() => compile({}, { retry: { on: ['sometimes'] } }), 'AGENTLOAD_E_SCHEMA', 'scenarios[0].flow[0].call.retry.on[0]');
  code(() => compile({}, { retry: { base: '1 sec' } }), 'AGENTLOAD_E_PLAN_DURATION', 'scenarios[0].flow[0].call.retry.base');
  code(() => compile({}, { method: undefined }), 'AGENTLOAD_E_SCHEMA', 'scenarios[0].flow[0].call');
  code(() => compile({}, { transport: 'carrier-pigeon' }), 'AGENTLOAD_E_SCHEMA', 'scenarios[0].flow[0].call.transport');
});

test('validation: a bad outcome rule or retry entry in YAML is rejected with its line:col', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'agentload-rpc-plan-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'plan.yml');
  writeFileSync(file, [
    'config:',
    '  target: http://127.0.0.1:1',
    '  phases: [{ arrivalCount: 1, duration: 1 }]',
    '  outcomes:',
    '    Rate-Limited: { codes: [-32001] }',
    '    quota_exceeded: { codes: [minus-five] }',
    '    maintenance: { statuses: [503] }',
    'scenarios:',
    '  - name: s',
    '    engine: tool-rpc',
    '    flow:',
    '      - call: { method: m, retry: { on: [sometimes] } }',
    '',
  ].join('\n'));
  assert.throws(() => loadPlan(file), (e: any) => {
    const at = e.diagnostics.map((d: any) => `${d.code} ${d.location?.line}`);
    assert.ok(e.diagnostics.every((d: any) => d.location.file === file && d.location.col > 0), JSON.stringify(at));
    for (const line of [5, 6, 7, 12]) assert.ok(at.includes(`AGENTLOAD_E_SCHEMA ${line}`), `line ${line}: ${at.join('; ')}`);
    return e.code === 'AGENTLOAD_E_SCHEMA';
  });
});
