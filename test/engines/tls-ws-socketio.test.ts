/**
 * TLS for `wss://` and socket.io over https (issue 18): a self-signed
 * certificate is refused by default (counted under the cause `tls`, nothing
 * reaches the server), and accepted with `config.tls.rejectUnauthorized:
 * false` or `-k`, as for HTTP requests. Servers on 127.0.0.1 with a
 * certificate openssl makes for this test. Plans: test/fixtures/artillery/tls-*.yml.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { Server } from 'socket.io';
import { runArtillery } from '../engine/artillery-fixture.ts';
import { selfSigned } from '../helpers/self-signed-cert.ts';

const WARNING = /warning: TLS certificates are not verified/g;

async function listen(server: HttpsServer): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

/** Failed outcomes summed over every request name. */
function failedByCause(result: { summary: { byName: Array<{ outcomes: { failed?: Record<string, number> } }> } }): Record<string, number> {
  const n: Record<string, number> = {};
  for (const row of result.summary.byName) for (const [k, v] of Object.entries(row.outcomes.failed ?? {})) n[k] = (n[k] ?? 0) + v;
  return n;
}

test('wss://: a self-signed certificate is refused as tls; config.tls.rejectUnauthorized false and -k accept it', async (t) => {
  const https = createServer(selfSigned());
  const wss = new WebSocketServer({ server: https });
  const received: string[] = [];
  wss.on('connection', (ws) => ws.on('message', (m) => received.push(m.toString())));
  const url = `wss://127.0.0.1:${await listen(https)}/`;
  t.after(() => new Promise<void>((r) => { wss.close(); https.closeAllConnections(); https.close(() => r()); }));

  const strict = await runArtillery('tls-wss-strict.yml', url);
  assert.ok(strict.result !== null, strict.err);
  assert.equal(received.length, 0, 'no connection opened');
  // The connect fails as tls and ends the user's scenario, as in Artillery: its send is never tried.
  assert.deepEqual(failedByCause(strict.result), { tls: 2 });
  assert.equal(strict.result.summary.counters.vusers_failed, 2);
  assert.equal((strict.out + strict.err).match(WARNING), null);

  const k = await runArtillery('tls-wss-strict.yml', url, ['-k']);
  assert.equal(k.code, 0, k.out + k.err);
  assert.deepEqual(received, ['hello', 'hello']);
  assert.deepEqual(failedByCause(k.result), {});
  assert.equal((k.out + k.err).match(WARNING)?.length, 1);

  const configured = await runArtillery('tls-wss.yml', url);
  assert.equal(configured.code, 0, configured.out + configured.err);
  assert.equal(received.length, 4);
  assert.deepEqual(failedByCause(configured.result), {});
});

test('socket.io over https: a self-signed certificate is refused as tls; config.tls.rejectUnauthorized false and -k accept it', async (t) => {
  const https = createServer(selfSigned());
  const io = new Server(https);
  const seen: string[] = [];
  io.on('connection', (s) => s.on('hello', (who: string, ack: (a: string) => void) => {
    seen.push(String(who));
    ack('hi');
  }));
  const url = `https://127.0.0.1:${await listen(https)}`;
  t.after(() => new Promise<void>((r) => { io.close(); https.closeAllConnections(); https.close(() => r()); }));

  const strict = await runArtillery('tls-socketio-strict.yml', url);
  assert.ok(strict.result !== null, strict.err);
  assert.equal(seen.length, 0);
  assert.deepEqual(failedByCause(strict.result), { tls: 2 });
  assert.equal(strict.result.summary.counters.vusers_failed, 2);

  const k = await runArtillery('tls-socketio-strict.yml', url, ['-k']);
  assert.equal(k.code, 0, k.out + k.err);
  assert.deepEqual(seen.sort(), ['1', '2']);
  assert.deepEqual(failedByCause(k.result), {});
  assert.equal((k.out + k.err).match(WARNING)?.length, 1);

  const configured = await runArtillery('tls-socketio.yml', url);
  assert.equal(configured.code, 0, configured.out + configured.err);
  assert.equal(seen.length, 4);
  assert.equal(configured.result.summary.byName[0].ok, 2);
});
