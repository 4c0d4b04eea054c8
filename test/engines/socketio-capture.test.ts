/**
 * Artillery's socketio response / acknowledge `capture` and response
 * `match` (issue 18), against a socket.io server on 127.0.0.1. Plan:
 * test/fixtures/artillery/socketio-capture.yml.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Server } from 'socket.io';
import { cli, tempDir } from '../cli/cli-fixture.ts';

const FIX = join(import.meta.dirname, '../fixtures/artillery');

test('socketio: captures from a response and an acknowledgement are sent on; a capture that finds nothing leaves the emit ok and the scenario going, as Artillery', async (t) => {
  const http = createServer();
  const io = new Server(http);
  const seen: string[] = [];
  io.on('connection', (s) => {
    s.on('join', (who: string) => s.emit('joined', { room: `room-${who}`, status: 'ok' }));
    s.on('say', (text: string, ack: (id: string) => void) => {
      seen.push(`say ${text}`);
      ack(`msg-${text.slice(-1)}`);
    });
    s.on('note', (id: string) => seen.push(`note ${id}`));
    s.on('after', (x: string, ack: (r: string) => void) => {
      seen.push(`after ${x}`);
      ack('done');
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => { io.close(); r(); }));
  const { dir, cleanup } = tempDir('socketio-capture');
  t.after(cleanup);
  const out = join(dir, 'r.json');
  const r = await cli(['run', join(FIX, 'socketio-capture.yml'), '-t', `http://127.0.0.1:${(http.address() as AddressInfo).port}`, '-o', out, '--no-console', '--grace', '5s']);
  const result = JSON.parse(readFileSync(out, 'utf8'));
  // The room each user was given came back in its next emit; the acknowledged id in the one after.
  assert.deepEqual(seen.filter((s) => s.startsWith('say')).sort(), ['say hello from room-1', 'say hello from room-2']);
  assert.deepEqual(seen.filter((s) => s.startsWith('note')).sort(), ['note msg-1', 'note msg-2']);
  // The last capture ($.0.missing) found nothing: as in Artillery the emit is ok, nothing is counted failed,
  // and the step after it was sent by both users.
  assert.deepEqual(seen.filter((s) => s.startsWith('after')), ['after x', 'after x']);
  assert.equal(result.summary.counters.vusers_failed ?? 0, 0);
  assert.equal(result.summary.counters['captures_missed:room'], 2, 'each user\'s miss is counted, so the unset room is not silent');
  const join_ = result.summary.byName.find((n: { name: string }) => n.name === 'emit join');
  assert.equal(join_.count, 4);
  assert.equal(join_.outcomes.ok, 4);
  assert.deepEqual(join_.outcomes.failed, {});
  assert.equal(result.summary.byName.find((n: { name: string }) => n.name === 'emit after').ok, 2);
  assert.notEqual(r.code, 3, r.err);
});
