/**
 * Artillery's ws send on a connection the server closed (issue 18): the send
 * fails as not_connected and ends the user's scenario, as Artillery's ws
 * engine ends it on a send error; the sends after it are not attempted. A ws
 * server on 127.0.0.1 that closes after the first message. Plan:
 * test/fixtures/artillery/ws-send-after-close.yml.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startRecordingWsServer } from '../helpers/recording-ws-server.ts';
import { runArtillery } from '../engine/artillery-fixture.ts';

test('ws: a send after the server closed the connection ends the scenario; later sends are not attempted', async (t) => {
  const { url, received } = await startRecordingWsServer(t, (_text, ws) => ws.close(1000));
  const r = await runArtillery('ws-send-after-close.yml', url);
  assert.ok(r.result !== null, r.err);
  assert.deepEqual(received, ['first', 'first']);
  const send = r.result.summary.byName.find((n: { name: string }) => n.name === 'ws_send');
  assert.equal(send.ok, 2);
  assert.deepEqual(send.outcomes.failed, { not_connected: 2 }, 'one failed send per user: the third is not attempted');
  assert.equal(r.result.summary.counters.vusers_failed, 2);
});
