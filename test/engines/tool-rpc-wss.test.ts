/**
 * tool-rpc over `wss://` (issue 18): a self-signed certificate is refused by
 * default, counted as `tls` with nothing reaching the server, and accepted
 * under `config.http.tls.rejectUnauthorized: false` (Artillery's config.tls,
 * what -k sets), as the ws and socket.io engines and HTTPS calls do.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { runInline } from '../helpers/run-inline.ts';
import { selfSigned } from '../helpers/self-signed-cert.ts';

test('tool-rpc over wss://: refused as tls by default, accepted with config.http.tls.rejectUnauthorized false', async (t) => {
  const https = createServer(selfSigned());
  const wss = new WebSocketServer({ server: https });
  const methods: string[] = [];
  wss.on('connection', (ws) => ws.on('message', (data) => {
    const m = JSON.parse(String(data));
    methods.push(m.method);
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: m.id, result: { ok: true } }));
  }));
  await new Promise<void>((r) => https.listen(0, '127.0.0.1', r));
  const target = `https://127.0.0.1:${(https.address() as AddressInfo).port}`;
  t.after(() => new Promise<void>((r) => { wss.close(); https.closeAllConnections(); https.close(() => r()); }));
  const scenarios = [{ name: 's', engine: 'tool-rpc', flow: [{ call: { method: 'ping' } }] }];
  const phases = [{ arrivalCount: 2, duration: 0.1 }];

  const strict = await runInline({ target, rpcTransport: 'ws', phases }, scenarios);
  assert.deepEqual(strict.summary.byName.find((n) => n.name === 'ping')?.outcomes, { ok: 0, failed: { tls: 2 }, expected: {} });
  assert.equal(methods.length, 0, 'nothing reached the server');

  const insecure = await runInline({ target, rpcTransport: 'ws', phases, http: { tls: { rejectUnauthorized: false } } }, scenarios);
  assert.deepEqual(insecure.summary.byName.find((n) => n.name === 'ping')?.outcomes, { ok: 2, failed: {}, expected: {} });
  assert.deepEqual(methods, ['ping', 'ping']);
});
