import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { runInline } from '../helpers/run-inline.ts';

type Result = Awaited<ReturnType<typeof runInline>>;
const outcomes = (r: Result, name: string) => r.summary.byName.find((n) => n.name === name)?.outcomes;

/** A JSON-RPC-over-WebSocket server on 127.0.0.1:0 answering with `answer`; counts connections. */
async function startRpcWs(answer: (ws: WebSocket, m: any) => void): Promise<{ url: string; connections: () => number; headers: string[]; close(): Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, path: '/api/v1/jsonrpc' });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  let connections = 0;
  const headers: string[] = [];
  wss.on('connection', (ws, req) => {
    connections++;
    headers.push(String(req.headers.authorization));
    ws.send(JSON.stringify({ jsonrpc: '2.0', method: 'connected', params: {} }));
    ws.on('message', (data) => answer(ws, JSON.parse(String(data))));
  });
  return {
    url: `http://127.0.0.1:${(wss.address() as AddressInfo).port}`,
    connections: () => connections,
    headers,
    close: () => new Promise((r) => {
      for (const c of wss.clients) c.terminate();
      wss.close(() => r());
    }),
  };
}

const ok = (m: any) => ({ jsonrpc: '2.0', id: m.id, result: { echo: m.params } });

test('transport ws: one persistent socket per user carries its calls and batches; notifications are ignored', async (t) => {
  const srv = await startRpcWs((ws, m) => {
    ws.send(JSON.stringify({ jsonrpc: '2.0', method: 'event', params: { n: 1 } }));
    if (Array.isArray(m)) ws.send(JSON.stringify(m.map(ok).reverse()));
    else if (m.method === 'limited') ws.send(JSON.stringify({ jsonrpc: '2.0', id: m.id, error: { code: -32001, message: 'slow' } }));
    else ws.send(JSON.stringify(ok(m)));
  });
  t.after(() => srv.close());
  const r = await runInline({ target: srv.url, rpcTransport: 'ws', headers: { authorization: 'Bearer w' }, phases: [{ arrivalCount: 3, duration: 0.1 }] }, [{
    name: 's', engine: 'tool-rpc',
    flow: [
      { loop: [{ call: { method: 'tools.execute', params: { tool_id: 'echo', n: '{{vu}}' }, expect: { json: [{ path: 'result.echo.tool_id', equals: 'echo' }] } } }], count: 4 },
      { batch: { calls: [{ method: 'a' }, { method: 'b' }] } },
      { call: { method: 'limited' } },
    ],
  }]);
  assert.deepEqual(outcomes(r, 'tools.execute (echo)'), { ok: 12, failed: {}, expected: {} });
  assert.deepEqual(outcomes(r, 'a'), { ok: 3, failed: {}, expected: {} });
  assert.deepEqual(outcomes(r, 'b'), { ok: 3, failed: {}, expected: {} });
  assert.deepEqual(outcomes(r, 'limited')!.expected, { rate_limited: 3 });
  assert.equal(srv.connections(), 3, 'one socket per virtual user');
  assert.deepEqual(srv.headers, ['Bearer w', 'Bearer w', 'Bearer w']);
  assert.equal(r.summary.counters.rpc_foreign_ids ?? 0, 0);
});

test('transport ws: a timeout fails the call and a late answer is foreign; a dropped socket fails the call and the next one reconnects', async (t) => {
  const srv = await startRpcWs((ws, m) => {
    if (m.method === 'slow') setTimeout(() => ws.send(JSON.stringify(ok(m))), 300);
    else if (m.method === 'drop') ws.terminate();
    else if (m.method === 'garbage') ws.send('<not json>');
    else ws.send(JSON.stringify(ok(m)));
  });
  t.after(() => srv.close());
  const r = await runInline({ target: srv.url, phases: [{ arrivalCount: 1, duration: 1 }] }, [{
    name: 's', engine: 'tool-rpc',
    flow: [
      { call: { method: 'slow', transport: 'ws', timeout: '100ms' } },
      { think: '400ms' },
      { call: { method: 'after', transport: 'ws' } },
      { call: { method: 'drop', transport: 'ws' } },
      { call: { method: 'again', transport: 'ws' } },
      { call: { method: 'garbage', transport: 'ws' } },
    ],
  }]);
  assert.deepEqual(outcomes(r, 'slow')!.failed, { timeout: 1 });
  assert.deepEqual(outcomes(r, 'after'), { ok: 1, failed: {}, expected: {} });
  assert.deepEqual(outcomes(r, 'drop')!.failed, { econnreset: 1 });
  assert.deepEqual(outcomes(r, 'again'), { ok: 1, failed: {}, expected: {} });
  assert.deepEqual(outcomes(r, 'garbage')!.failed, { rpc_not_json: 1 });
  assert.equal(r.summary.counters.rpc_foreign_ids, 1, 'the late answer to the timed-out call');
  assert.equal(srv.connections(), 2, 'reconnected once after the drop');
});
