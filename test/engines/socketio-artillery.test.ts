/**
 * Artillery's socketio and ws scenarios (issue 18) against real servers on
 * 127.0.0.1: a socket.io server that echoes and acknowledges, and the ws test
 * server. Plans: test/fixtures/artillery/socketio.yml and websocket.yml.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Server } from 'socket.io';
import { cli, tempDir } from '../cli/cli-fixture.ts';
import { startWsServer } from '../helpers/ws-server.ts';
import { WebSocketServer } from 'ws';

const FIX = join(import.meta.dirname, '../fixtures/artillery');

async function runPlan(plan: string, target: string) {
  const { dir, cleanup } = tempDir('artillery-io');
  try {
    const out = join(dir, 'r.json');
    const r = await cli(['run', join(FIX, plan), '-t', target, '-o', out, '--no-console', '--grace', '5s']);
    return { ...r, result: JSON.parse(readFileSync(out, 'utf8')) };
  } finally {
    cleanup();
  }
}

test('socketio: emit + response, acknowledge + match on a namespace; a response with other data fails', async (t) => {
  const http = createServer();
  const io = new Server(http);
  const seen: string[] = [];
  io.on('connection', (s) => s.on('echo', (data: string) => { seen.push(`/:${data}`); s.emit('echoResponse', data); }));
  io.of('/personalised').on('connection', (s) => s.on('userDetails', (ack: (v: unknown) => void) => { seen.push('/personalised:userDetails'); ack({ name: 'Artillery' }); }));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => { io.close(); r(); }));
  const r = await runPlan('socketio.yml', `http://127.0.0.1:${(http.address() as AddressInfo).port}`);
  assert.equal(seen.filter((s) => s === '/:hello').length, 6, 'two echo emits per user, 3 users');
  assert.equal(seen.filter((s) => s === '/personalised:userDetails').length, 3);
  const byName = Object.fromEntries(r.result.summary.byName.map((n: any) => [n.name, n]));
  assert.equal(byName['emit echo'].count, 6);
  assert.equal(byName['emit echo'].ok, 3, 'the response "hello" matches data "hello"');
  assert.deepEqual(byName['emit echo'].outcomes.failed, { socketio_response: 3 }, 'and not "goodbye"');
  assert.equal(byName['emit userDetails'].ok, 3, 'the acknowledgement matches $.0.name');
});

test('ws: an Artillery ws scenario connects when it starts and sends objects as JSON', async (t) => {
  const srv = await startWsServer();
  t.after(() => srv.close());
  const r = await runPlan('websocket.yml', `${srv.url.replace(/^http/, 'ws')}/ws/events`);
  assert.equal(r.code, 0, r.out + r.err);
  assert.equal(srv.stats.accepted, 2, 'one connection per user, with no connect step in the flow');
  assert.deepEqual(srv.stats.received.filter((m) => m === 'Artillery').length, 2);
  assert.deepEqual(srv.stats.received.filter((m) => m.startsWith('{')).map((m) => JSON.parse(m)), [{ score: 7 }, { score: 7 }]);
});

test('ws: config.ws.subprotocols and headers go with the connection Artillery opens at the scenario start', async (t) => {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: (protocols) => [...protocols][0] ?? false });
  const seen: Array<{ protocol: string | undefined; token: string | undefined; message: string }> = [];
  wss.on('connection', (ws, req) => ws.on('message', (m) => seen.push({ protocol: req.headers['sec-websocket-protocol'] as string, token: req.headers['x-token'] as string, message: String(m) })));
  await new Promise<void>((r) => wss.on('listening', () => r()));
  t.after(() => new Promise<void>((r) => wss.close(() => r())));
  const r = await runPlan('ws-subprotocols.yml', `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`);
  assert.equal(r.code, 0, r.out + r.err);
  assert.deepEqual(seen, [{ protocol: 'json', token: 'abc', message: 'hi' }]);
});
