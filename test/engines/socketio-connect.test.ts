/**
 * The connection of an Artillery socketio scenario (issue 18), against a
 * socket.io server on 127.0.0.1 that counts connections and events: each user
 * connects when its scenario starts, as Artillery's socketio engine does, and
 * a `connect` step (which that engine hands to its HTTP engine, where it fails
 * for want of a url) is a located warning, and ends the user's scenario
 * without connecting again, counted as invalid_steps:connect.
 * Plans: test/fixtures/artillery/socketio-hold.yml, socketio-connect-step.yml.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { join } from 'node:path';
import { FIX, runArtillery } from '../engine/artillery-fixture.ts';
import { cli } from '../cli/cli-fixture.ts';

async function startIo(t: { after(fn: () => Promise<void>): void }) {
  const http = createServer();
  const io = new Server(http);
  const seen = { connections: 0, notes: [] as string[] };
  let disconnects = 0;
  let onDisconnect = (): void => {};
  io.on('connection', (s) => {
    seen.connections++;
    // onAny, not on('note'): the server drops (at nextTick) events that arrive with the client's disconnect packet.
    s.onAny((event: string, what: string) => { if (event === 'note') seen.notes.push(what); });
    s.on('disconnect', () => { disconnects++; onDisconnect(); });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => { io.close(); r(); }));
  /**
   * The run can end before this process has read what its sockets sent last: wait for `n` disconnects,
   * which each socket sends after its events.
   */
  const disconnected = (n: number) => new Promise<void>((r) => {
    onDisconnect = () => { if (disconnects >= n) r(); };
    onDisconnect();
  });
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, seen, disconnected };
}

function row(result: any, name: string) {
  return result.summary.byName.find((n: { name: string }) => n.name === name);
}

test('socketio: a scenario with no emit still connects each user when it starts', async (t) => {
  const { url, seen } = await startIo(t);
  const r = await runArtillery('socketio-hold.yml', url);
  assert.equal(r.code, 0, r.out + r.err);
  assert.equal(seen.connections, 3, 'one connection per user');
  assert.equal(row(r.result, 'socketio_connecting').ok, 3);
  assert.equal(r.result.summary.counters.vusers_completed, 3);
});

test('socketio: a connect step is a warning at validate; --strict makes it exit 2', async () => {
  const v = await cli(['validate', join(FIX, 'socketio-connect-step.yml')]);
  assert.equal(v.code, 0, v.out + v.err);
  assert.match(v.err, /socketio-connect-step\.yml:17:9 warning AGENTLOAD_W_UNKNOWN_STEP scenarios\[0\]\.flow\[1\]\.connect: a connect step in a socketio scenario/);
  const s = await cli(['validate', '--strict', join(FIX, 'socketio-connect-step.yml')]);
  assert.equal(s.code, 2, s.out + s.err);
});

test('socketio: a connect step ends the user as failed (invalid_steps:connect), nothing after it is emitted', async (t) => {
  const { url, seen, disconnected } = await startIo(t);
  const r = await runArtillery('socketio-connect-step.yml', url);
  assert.ok(r.result !== null, r.err);
  await disconnected(3);
  assert.equal(seen.connections, 3, 'connected once per user, at the start; the step opens nothing');
  assert.deepEqual(seen.notes, ['before', 'before', 'before'], 'the emit after the step is not sent');
  assert.equal(r.result.summary.counters['invalid_steps:connect'], 3);
  assert.equal(r.result.summary.counters.vusers_failed, 3);
});

test('socketio: a connect step with a url is not supported yet, located at the step', async () => {
  const r = await cli(['validate', join(FIX, 'socketio-connect-url.yml')]);
  assert.equal(r.code, 2, r.out + r.err);
  assert.match(r.err, /socketio-connect-url\.yml:9:\d+ AGENTLOAD_E_NOT_YET scenarios\[0\]\.flow\[0\]\.connect/);
});
