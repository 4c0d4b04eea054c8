import assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { test } from 'node:test';
import { get, post, rpc, startTestSim } from './sim-helpers.ts';

test('batches follow JSON-RPC 2.0: order kept, notifications omitted, errors per entry', async (t) => {
  const sim = await startTestSim(t, { solveScale: 0.01 });
  const res = await post(sim, JSON.stringify([
    { jsonrpc: '2.0', id: 'a', method: 'agent.ping' },
    { jsonrpc: '2.0', method: 'agent.ping' },
    { jsonrpc: '2.0', id: 2, method: 'no.such.method' },
    { jsonrpc: '2.0', id: 3, method: 'tools.execute', params: { tool_id: 'echo', parameters: { message: 'm' } } },
    1,
  ]));
  assert.equal(res.status, 200);
  assert.equal(res.json.length, 4);
  assert.equal(res.json[0].id, 'a');
  assert.equal(res.json[0].result.status, 'alive');
  assert.equal(res.json[1].error.code, -32601);
  assert.deepEqual(res.json[2].result.result, { message: 'm' });
  assert.deepEqual(res.json[3], { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'invalid request: expected an object' } });

  const asyncBatch = await post(sim, JSON.stringify([
    { jsonrpc: '2.0', id: 1, method: 'modular.solve', params: { query: 'hi', config: { complexity: 'simple' } } },
    { jsonrpc: '2.0', id: 2, method: 'agent.ping' },
  ]));
  assert.deepEqual(asyncBatch.json.map((r: { id: number }) => r.id), [1, 2]);
});

test('empty batch, all-notification batch, single notification and invalid requests', async (t) => {
  const sim = await startTestSim(t);
  const empty = await post(sim, '[]');
  assert.equal(empty.status, 400);
  assert.deepEqual(empty.json, { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'invalid request: empty batch' } });
  const invalidOnly = await post(sim, '[1,2]');
  assert.equal(invalidOnly.json.length, 2);
  assert.equal(invalidOnly.json[1].error.code, -32600);

  const notifications = await post(sim, JSON.stringify([{ jsonrpc: '2.0', method: 'agent.ping' }, { jsonrpc: '2.0', method: 'nope' }]));
  assert.equal(notifications.status, 204);
  assert.equal(notifications.text, '');
  const single = await post(sim, JSON.stringify({ jsonrpc: '2.0', method: 'agent.ping' }));
  assert.equal(single.status, 204);

  const noVersion = await post(sim, JSON.stringify({ id: 9, method: 'agent.ping' }));
  assert.equal(noVersion.status, 400);
  assert.equal(noVersion.json.id, 9);
  assert.equal(noVersion.json.error.code, -32600);
  assert.equal((await post(sim, JSON.stringify({ jsonrpc: '2.0', id: {}, method: 'agent.ping' }))).json.error.code, -32600);
  assert.equal((await post(sim, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 7 }))).json.error.code, -32600);
  const positional = await post(sim, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'agent.ping', params: [1] }));
  assert.equal(positional.status, 200);
  assert.equal(positional.json.error.code, -32602);
  const unknown = await rpc(sim, 'nonexistent.method', {});
  assert.equal(unknown.status, 200);
  assert.equal(unknown.json.error.code, -32601);
});

test('malformed JSON gets 400 with a -32700 body', async (t) => {
  const sim = await startTestSim(t);
  const res = await post(sim, "{'invalid': json}");
  assert.equal(res.status, 400);
  assert.deepEqual(res.json, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } });
});

test('with auth on, agent.register without a bearer token gets 401', async (t) => {
  const sim = await startTestSim(t, { auth: true });
  const params = { agent_card: { agent_id: 'test' } };
  const missing = await rpc(sim, 'agent.register', params);
  assert.equal(missing.status, 401);
  assert.equal(missing.json.error.code, -32002);
  assert.equal((await rpc(sim, 'agent.register', params, { authorization: 'Basic abc' })).status, 401);
  const ok = await rpc(sim, 'agent.register', params, { authorization: 'Bearer t0ken' });
  assert.equal(ok.status, 200);
  assert.equal(ok.json.result.success, true);
  assert.equal((await rpc(sim, 'agent.ping', {})).status, 200, 'only registration needs auth');
});

test('auth is off by default', async (t) => {
  const sim = await startTestSim(t);
  assert.equal((await rpc(sim, 'agent.register', { agent_card: { agent_id: 'x' } })).status, 200);
});

/** Sends a body with chunked transfer encoding (no Content-Length), as streaming clients do. */
function postChunked(url: string, chunks: Buffer[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api/v1/jsonrpc`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume();
      resolve(res.statusCode!);
    });
    req.on('error', reject);
    for (const c of chunks) req.write(c);
    req.end();
  });
}

test('bodies over the limit get 413; a 10 KB body passes', async (t) => {
  const sim = await startTestSim(t);
  const tenKb = await rpc(sim, 'task.create', {
    task_definition: { task_id: 'large', name: 'Large Task', description: 'x'.repeat(10_000), parameters: { input: 'test'.repeat(1000) } },
  });
  assert.equal(tenKb.status, 200);
  assert.equal(tenKb.json.result.success, true);
  const huge = await post(sim, JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'task.create', params: { d: 'x'.repeat(1_100_000) } }));
  assert.equal(huge.status, 413);
  assert.equal(huge.json.error.code, -32600);

  const small = await startTestSim(t, { bodyLimitBytes: 1024 });
  assert.equal(await postChunked(small.url, [Buffer.alloc(800, 0x20), Buffer.alloc(800, 0x20)]), 413);
  assert.equal((await rpc(small, 'agent.ping', {})).status, 200, 'the sim keeps serving after a 413');
});

test('a client that disconnects mid-body does not disturb the sim', async (t) => {
  const sim = await startTestSim(t);
  const socket = connect(sim.port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  socket.write('POST /api/v1/jsonrpc HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"jsonrpc":');
  await new Promise((resolve) => setTimeout(resolve, 50));
  socket.destroy();
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal((await rpc(sim, 'agent.ping', {})).status, 200);
});

test('bad input never gets a 5xx', async (t) => {
  const sim = await startTestSim(t, { auth: true });
  const bodies = ['', ' ', 'null', '"str"', '42', '{', '[', '[[]]', '{"jsonrpc":"2.0"}', '{"jsonrpc":"2.0","id":1,"method":"tools.execute"}',
    '{"jsonrpc":"2.0","id":1,"method":"tools.execute","params":{"tool_id":"echo","parameters":[1]}}',
    '{"jsonrpc":"2.0","id":1,"method":"tools.execute_batch","params":{"executions":[null]}}',
    '{"jsonrpc":"2.0","id":1,"method":"tools.execute_with_fallback","params":{}}',
    '{"jsonrpc":"2.0","id":1,"method":"agent.discover","params":{"capabilities":"x","limit":-1}}',
    '{"jsonrpc":"2.0","id":1,"method":"task.query","params":{"limit":0}}',
    '{"jsonrpc":"2.0","id":1,"method":"modular.solve","params":{"query":"x","config":{"timeout_seconds":"x"}}}',
    '\u0000\u0001binary'];
  for (const body of bodies) {
    const res = await post(sim, body);
    assert.ok(res.status < 500, `${JSON.stringify(body)} → ${res.status}`);
  }
  const wrongVerb = await get(sim, '/api/v1/jsonrpc');
  assert.equal(wrongVerb.status, 405);
  assert.equal((await get(sim, '/nope')).status, 404);
});

test('GET /api/v1/health answers healthy', async (t) => {
  const sim = await startTestSim(t);
  const health = await get(sim, '/api/v1/health');
  assert.equal(health.status, 200);
  assert.equal(health.json.status, 'healthy');
  assert.equal(health.headers.get('content-type'), 'application/json');
});
