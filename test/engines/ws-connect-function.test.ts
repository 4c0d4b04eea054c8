/**
 * Artillery's ws `connect: {function}` (issue 18), against a ws server on
 * 127.0.0.1 that records each connection's path and headers and every
 * message: the processor function changes the URL, headers and subprotocols
 * before the connection opens (callback and async styles), runs before the
 * flow's next function, and one that fails ends the user with nothing sent.
 * Plan: test/fixtures/artillery/ws-connect-function.yml.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startRecordingWsServer } from '../helpers/recording-ws-server.ts';
import { runArtillery } from '../engine/artillery-fixture.ts';

test('ws connect function (callback): its target, header and subprotocol are what the connection opens with', async (t) => {
  const srv = await startRecordingWsServer(t);
  const r = await runArtillery('ws-connect-function.yml', srv.url, ['--scenario', 'callback']);
  assert.equal(r.code, 0, r.out + r.err);
  assert.equal(srv.connections.length, 3, 'one connection per user');
  for (const c of srv.connections) {
    assert.equal(c.url, '/?token=t-1');
    assert.equal(c.headers['x-token'], 't-1');
    assert.equal(c.headers['x-from-config'], 'yes', 'config.ws.headers are in the options the function gets');
    assert.equal(c.headers['sec-websocket-protocol'], 'chat.v1');
  }
  assert.deepEqual(srv.received, ['connect,function', 'connect,function', 'connect,function'], 'the connect function runs before the function step');
});

test('ws connect function (async, no next): the connection opens once its promise resolves', async (t) => {
  const srv = await startRecordingWsServer(t);
  const r = await runArtillery('ws-connect-function.yml', srv.url, ['--scenario', 'async']);
  assert.equal(r.code, 0, r.out + r.err);
  assert.deepEqual(srv.connections.map((c) => [c.url, c.headers['x-token']]), [['/?late=1', 'async'], ['/?late=1', 'async'], ['/?late=1', 'async']]);
  assert.deepEqual(srv.received, ['async connect', 'async connect', 'async connect']);
});

test('ws connect function that fails: no connection, nothing sent, the user fails (processor_errors)', async (t) => {
  const srv = await startRecordingWsServer(t);
  const r = await runArtillery('ws-connect-function.yml', srv.url, ['--scenario', 'failing']);
  assert.ok(r.result !== null, r.err);
  assert.equal(srv.connections.length, 0);
  assert.equal(srv.received.length, 0);
  assert.equal(r.result.summary.counters.processor_errors, 3);
  assert.equal(r.result.summary.counters.vusers_failed, 3);
});
