/**
 * A ws or socket.io `match` that fails ends the user's scenario, as
 * Artillery's engines do (issue 18): the step is counted failed, the user in
 * vusers_failed, and nothing after it is sent (counted on the server).
 * Plans: test/fixtures/artillery/ws-match-fails.yml, socketio-match-fails.yml.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startRecordingWsServer } from '../helpers/recording-ws-server.ts';
import { Server } from 'socket.io';
import { runArtillery } from '../engine/artillery-fixture.ts';

/** Failed outcomes summed over every request name. */
function failedByCause(result: { summary: { byName: Array<{ outcomes: { failed?: Record<string, number> } }> } }): Record<string, number> {
  const n: Record<string, number> = {};
  for (const row of result.summary.byName) for (const [k, v] of Object.entries(row.outcomes.failed ?? {})) n[k] = (n[k] ?? 0) + v;
  return n;
}

test('ws: after a match that fails, the user sends nothing more and ends failed', async (t) => {
  const { url, received } = await startRecordingWsServer(t, (text, ws) => {
    if (text === '{"op":"hello"}') ws.send('{"status":"ok"}');
    else if (text === '{"op":"check"}') ws.send('{"status":"pending"}');
  });
  const r = await runArtillery('ws-match-fails.yml', url);
  assert.ok(r.result !== null, r.err);
  const count = (m: string) => received.filter((x) => x === m).length;
  assert.equal(count('{"op":"hello"}'), 3);
  assert.equal(count('after-ok'), 3, 'a match that held lets the flow go on');
  assert.equal(count('{"op":"check"}'), 3, 'the failing exchange itself was sent');
  assert.equal(count('after-mismatch'), 0, 'nothing is sent after the failed match');
  assert.equal(received.length, 9);
  assert.deepEqual(failedByCause(r.result), { expect_json: 3 }, '"pending" is not "done"');
  assert.equal(r.result.summary.counters.vusers_failed, 3);
});

test('socket.io: after a response match that fails, the user emits nothing more and ends failed', async (t) => {
  const http = createServer();
  const io = new Server(http);
  const seen: string[] = [];
  io.on('connection', (s) => {
    s.on('check', (what: string) => {
      seen.push(`check ${what}`);
      s.emit('checked', { status: what === 'first' ? 'ok' : 'pending' });
    });
    s.on('count', (what: string) => seen.push(what));
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => { io.close(); r(); }));
  const r = await runArtillery('socketio-match-fails.yml', `http://127.0.0.1:${(http.address() as AddressInfo).port}`);
  assert.ok(r.result !== null, r.err);
  const count = (m: string) => seen.filter((x) => x === m).length;
  assert.equal(count('check first'), 3);
  assert.equal(count('after-ok'), 3, 'a match that held lets the flow go on');
  assert.equal(count('check second'), 3, 'the failing emit itself was sent');
  assert.equal(count('after-mismatch'), 0, 'nothing is emitted after the failed match');
  assert.equal(count('check third'), 0);
  assert.deepEqual(failedByCause(r.result), { socketio_match: 3 }, '"pending" is not "done"');
  assert.equal(r.result.summary.counters.vusers_failed, 3);
});
