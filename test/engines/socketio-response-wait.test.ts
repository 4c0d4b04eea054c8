/**
 * Artillery's socketio `response` (issue 18): the messages on the channel are
 * collected until the data fits, a string partially, as Artillery's socketio
 * engine does; a first message that does not fit is not a failure. Messages
 * that never fit fail the emit at the timeout and end the user's scenario.
 * A socket.io server on 127.0.0.1. Plan: test/fixtures/artillery/socketio-response-wait.yml.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { runArtillery } from '../engine/artillery-fixture.ts';

test('socketio response: messages are collected until one fits; none fitting fails at the timeout', async (t) => {
  const http = createServer();
  const io = new Server(http);
  const notes: string[] = [];
  io.on('connection', (s) => {
    s.on('ask', (who: string) => {
      s.emit('reply', 'pending');
      setTimeout(() => s.emit('reply', `ready for ${who}`), 20);
    });
    s.on('spell', () => {
      for (const letter of ['a', 'b', 'c']) s.emit('letter', letter);
    });
    s.on('note', (text: string) => notes.push(text));
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => { io.close(); r(); }));
  const r = await runArtillery('socketio-response-wait.yml', `http://127.0.0.1:${(http.address() as AddressInfo).port}`);
  assert.ok(r.result !== null, r.err);
  // $.1 is the second argument received: the fitting message's, after "pending".
  assert.deepEqual(notes.sort(), ['ready for 1', 'ready for 2']);
  const byName = Object.fromEntries(r.result.summary.byName.map((n: any) => [n.name, n]));
  assert.equal(byName['emit ask'].ok, 2, 'the first ask of each user, answered on the second message');
  assert.deepEqual(byName['emit ask'].outcomes.failed, { socketio_response: 2 }, '"never" fits no message');
  assert.equal(byName['emit spell'].ok, 2, '"abc" is found in the letters joined');
  assert.ok(byName['emit ask'].latencyMs.max >= 1000, 'the mismatch is judged at the 1 s timeout');
  assert.equal(r.result.summary.counters.vusers_failed, 2);
});
