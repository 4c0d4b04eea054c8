/**
 * socket.io emits time out on the run's deadline service: an acknowledgement
 * that never comes is `timeout` once connected, and a server that never
 * completes the connection is `socketio_connect`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { runInline } from '../helpers/run-inline.ts';

const listen = async (http: HttpServer): Promise<string> => {
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
};

const emitNamed = (r: Awaited<ReturnType<typeof runInline>>, name: string) => r.summary.byName.find((n) => n.name === name)!;

test('an acknowledgement that never comes fails as timeout, after the step timeout', async (t) => {
  const http = createServer();
  const io = new Server(http);
  let emits = 0;
  io.on('connection', (s) => s.on('silent', () => { emits++; })); // never acknowledges
  const target = await listen(http);
  t.after(() => new Promise<void>((r) => io.close(() => r())));
  const r = await runInline({ target, phases: [{ arrivalCount: 2, duration: 0.1 }] }, [{
    name: 's', engine: 'socketio', flow: [{ emit: { channel: 'silent', data: 'x', acknowledge: {}, timeout: 0.3, name: 'silent' } }],
  }]);
  const n = emitNamed(r, 'silent');
  assert.equal(emits, 2);
  assert.deepEqual(n.outcomes.failed, { timeout: 2 });
  assert.ok(n.latencyMs.min >= 300, `ended at ${n.latencyMs.min} ms, before the 300 ms timeout`);
});

test('a server that never completes the socket.io connection fails the emit as socketio_connect', async (t) => {
  // A plain HTTP server that holds every request open: the engine.io handshake never answers.
  const held: Array<() => void> = [];
  const http = createServer((_req, res) => { held.push(() => res.destroy()); });
  const target = await listen(http);
  t.after(() => new Promise<void>((r) => { for (const h of held) h(); http.closeAllConnections(); http.close(() => r()); }));
  const r = await runInline({ target, socketio: { transports: ['polling'] }, phases: [{ arrivalCount: 1, duration: 0.1 }] }, [{
    name: 's', engine: 'socketio', flow: [{ emit: { channel: 'x', data: 'y', timeout: 0.3, name: 'never' } }],
  }]);
  assert.deepEqual(emitNamed(r, 'never').outcomes.failed, { socketio_connect: 1 });
});
