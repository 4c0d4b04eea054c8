/**
 * `emit.ack` (for `acknowledge`) in an Artillery socketio scenario (issue 18):
 * Artillery ignores the key, so the emit asks for no acknowledgement and
 * nothing under it is checked. agentload does the same, with a located
 * warning; `--strict` makes it exit 2. A socket.io server on 127.0.0.1 counts
 * the emits and whether each came with an acknowledgement callback.
 * Plan: test/fixtures/artillery/socketio-ack-typo.yml.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Server } from 'socket.io';
import { FIX, runArtillery } from '../engine/artillery-fixture.ts';
import { cli } from '../cli/cli-fixture.ts';

test('validate: emit.ack is a located warning (exit 0); --strict makes it the schema error (exit 2)', async () => {
  const v = await cli(['validate', join(FIX, 'socketio-ack-typo.yml')]);
  assert.equal(v.code, 0, v.out + v.err);
  assert.match(v.err, /socketio-ack-typo\.yml:15:11 warning AGENTLOAD_W_IGNORED_KEY scenarios\[0\]\.flow\[0\]\.emit\.ack: unknown key "ack"; Artillery ignores it.*did you mean "acknowledge"/);
  const s = await cli(['validate', '--strict', join(FIX, 'socketio-ack-typo.yml')]);
  assert.equal(s.code, 2, s.out + s.err);
  assert.match(s.err, /socketio-ack-typo\.yml:15:11 AGENTLOAD_E_SCHEMA scenarios\[0\]\.flow\[0\]\.emit\.ack: /);
});

test('run: the emit with ack goes without an acknowledgement callback, and the flow goes on', async (t) => {
  const http = createServer();
  const io = new Server(http);
  const seen: string[] = [];
  io.on('connection', (s) => {
    s.on('join', (room: string, ack?: unknown) => seen.push(`join ${room} ${typeof ack === 'function' ? 'with-ack' : 'no-ack'}`));
    s.on('note', (what: string, ack?: (v: string) => void) => {
      seen.push(`note ${what}`);
      ack?.('noted');
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>((r) => { io.close(); r(); }));
  const r = await runArtillery('socketio-ack-typo.yml', `http://127.0.0.1:${(http.address() as AddressInfo).port}`);
  assert.equal(r.code, 0, r.out + r.err);
  assert.deepEqual(seen.filter((x) => x.startsWith('join')), ['join lobby no-ack', 'join lobby no-ack', 'join lobby no-ack']);
  assert.equal(seen.filter((x) => x === 'note after').length, 3, 'the emit after it is sent');
  const byName = Object.fromEntries(r.result.summary.byName.map((n: any) => [n.name, n]));
  assert.equal(byName['emit join'].ok, 3);
  assert.equal(byName['emit note'].ok, 3);
  assert.equal(r.result.summary.counters.vusers_completed, 3);
});
