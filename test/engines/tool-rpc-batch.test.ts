import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startHttpServer } from '../helpers/servers.ts';
import { runInline } from '../helpers/run-inline.ts';
import { startSim } from '../../src/sim/start-sim.ts';

type Result = Awaited<ReturnType<typeof runInline>>;
const outcomes = (r: Result, name: string) => r.summary.byName.find((n) => n.name === name)?.outcomes;

const reply = (res: any, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};

test('batch answers are matched by id, in any order; a missing id fails that call, a foreign id is counted', async (t) => {
  const srv = await startHttpServer((_req, res, body) => {
    const calls = JSON.parse(body) as any[];
    const answers = calls.flatMap((m) => {
      switch (m.method) {
        case 'fine': return [{ jsonrpc: '2.0', id: m.id, result: { v: m.params.v } }];
        case 'limited': return [{ jsonrpc: '2.0', id: m.id, error: { code: -32001, message: 'limited' } }];
        case 'broken': return [{ jsonrpc: '2.0', id: m.id, error: { code: -32603, message: 'internal' } }];
        case 'lost': return [];
        case 'renamed': return [{ jsonrpc: '2.0', id: 'not-mine', result: 1 }];
        default: return [{ jsonrpc: '2.0', id: m.id }];
      }
    });
    reply(res, 200, answers.reverse());
  });
  t.after(() => srv.close());
  const r = await runInline({ target: srv.url, phases: [{ arrivalCount: 3, duration: 0.1 }] }, [{
    name: 's', engine: 'tool-rpc',
    flow: [{ batch: { calls: [
      { method: 'fine', params: { v: '{{vu}}' }, expect: { json: [{ path: 'result.v', exists: true }] } },
      { method: 'limited' }, { method: 'broken' }, { method: 'lost' }, { method: 'renamed' }, { method: 'hollow' },
      { method: 'fine', name: 'fine again', id: 'mine', params: { v: 1 } },
    ] } }],
  }]);
  assert.deepEqual(outcomes(r, 'fine'), { ok: 3, failed: {}, expected: {} });
  assert.deepEqual(outcomes(r, 'fine again'), { ok: 3, failed: {}, expected: {} });
  assert.deepEqual(outcomes(r, 'limited')!.expected, { rate_limited: 3 });
  assert.deepEqual(outcomes(r, 'broken')!.failed, { 'rpc_-32603': 3 });
  assert.deepEqual(outcomes(r, 'lost')!.failed, { rpc_missing_id: 3 });
  assert.deepEqual(outcomes(r, 'renamed')!.failed, { rpc_missing_id: 3 });
  assert.deepEqual(outcomes(r, 'hollow')!.failed, { rpc_invalid_envelope: 3 });
  assert.equal(r.summary.counters.rpc_foreign_ids, 3);
  assert.equal(r.summary.overall.count, 21, 'each call of the batch is counted under its own name');
});

test('a whole-batch answer (HTTP 400 parse error, non-JSON, not an array) decides every call', async (t) => {
  let n = 0;
  const srv = await startHttpServer((_req, res) => {
    n++;
    if (n === 1) return reply(res, 400, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } });
    if (n === 2) return reply(res, 200, 'not json at all');
    reply(res, 200, { jsonrpc: '2.0', id: 1, result: 'one object for two calls' });
  });
  t.after(() => srv.close());
  const r = await runInline({ target: srv.url, phases: [{ arrivalCount: 1, duration: 0.1 }] }, [{
    name: 's', engine: 'tool-rpc',
    flow: [{ loop: [{ batch: { calls: [{ method: 'a' }, { method: 'b' }] } }], count: 3 }],
  }]);
  assert.deepEqual(outcomes(r, 'a')!.failed, { http_400: 1, rpc_not_json: 1, rpc_invalid_envelope: 1 });
  assert.deepEqual(outcomes(r, 'b')!.failed, { http_400: 1, rpc_not_json: 1, rpc_invalid_envelope: 1 });
});

test('against the sim: a JSON-RPC batch of tool calls and tools.execute_batch', async (t) => {
  // The seed's tool shapes (no agent_id, `executions`, operation names): the sim's documented seedCompat option.
  const sim = await startSim({ port: 0, seedCompat: true });
  t.after(() => sim.close());
  const r = await runInline({ target: sim.url, phases: [{ arrivalCount: 5, duration: 0.2 }] }, [{
    name: 's', engine: 'tool-rpc',
    flow: [
      { batch: { calls: [
        { method: 'tools.execute', params: { tool_id: 'echo', parameters: { message: 'hi' } }, expect: { json: [{ path: 'result.result.message', equals: 'hi' }] } },
        { method: 'tools.execute', params: { tool_id: 'calculator', parameters: { operation: 'multiply', a: 6, b: 7 } }, expect: { json: [{ path: 'result.result', equals: 42 }] } },
        { method: 'tools.execute', params: { tool_id: 'no_such_tool' } },
      ] } },
      { call: { method: 'tools.execute_batch', params: { executions: [{ tool_id: 'echo' }, { tool_id: 'current_time', parameters: { timezone: 'UTC' } }] },
        expect: { json: [{ path: 'result.succeeded', equals: 2 }] } } },
    ],
  }]);
  assert.deepEqual(outcomes(r, 'tools.execute (echo)'), { ok: 5, failed: {}, expected: {} });
  assert.deepEqual(outcomes(r, 'tools.execute (calculator)'), { ok: 5, failed: {}, expected: {} });
  assert.deepEqual(outcomes(r, 'tools.execute (no_such_tool)')!.failed, { 'rpc_-32602': 5 });
  assert.deepEqual(outcomes(r, 'tools.execute_batch'), { ok: 5, failed: {}, expected: {} });
});
