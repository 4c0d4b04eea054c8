import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runInline } from '../helpers/run-inline.ts';
import { startWsServer } from '../helpers/ws-server.ts';
import type { NameSummary, RunSummary } from '../../src/engine/contracts.ts';

function byName(s: RunSummary, name: string): NameSummary {
  const n = s.byName.find((x) => x.name === name);
  assert.ok(n, `no metric named ${name}; have ${s.byName.map((x) => x.name).join(', ')}`);
  return n!;
}

/** Waits until the server has seen every connection close (close handshakes finish after the run returns). */
async function settled(srv: { stats: { open: number } }): Promise<void> {
  for (let i = 0; i < 100 && srv.stats.open > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
}

const connected = { match: { json: 'message_type', equals: 'connected' } };
const appPing = { json: { message_type: 'ping', payload: { timestamp: '{{ now }}' } }, match: { json: 'message_type', equals: 'pong' } };

test('connect, waitFor with capture, send a templated message, waitFor its echo with checks', async (t) => {
  const srv = await startWsServer();
  t.after(() => srv.close());
  const r = await runInline({ target: srv.url, phases: [{ duration: 1, arrivalCount: 5 }] }, [{
    name: 'echo', engine: 'ws', flow: [
      { connect: { url: '/ws/events', query: { subscriber_id: 'user-{{ vu }}' } } },
      { waitFor: { ...connected, capture: [{ json: 'payload.connection_id', as: 'cid' }, { json: 'payload.subscriber_id', as: 'sub' }] } },
      { send: { json: { message_type: 'echo', payload: { cid: '{{ cid }}', sub: '{{ sub }}' } } } },
      { waitFor: { match: { json: 'message_type', equals: 'echo' }, expect: { json: [{ path: 'payload.cid', matches: '^conn-\\d+$' }] } } },
      { close: { code: 1000, reason: 'bye' } },
    ],
  }]);
  const s = r.summary;
  assert.equal(byName(s, 'ws_connecting').ok, 5);
  assert.equal(byName(s, 'ws_message').ok, 10, JSON.stringify(byName(s, 'ws_message').outcomes));
  assert.equal(byName(s, 'ws_send').ok, 5);
  assert.equal(s.counters.ws_messages_sent, 5);
  assert.equal(s.counters.ws_messages_received, 10);
  assert.ok(s.counters.ws_bytes_sent! > 5 * 40);
  assert.equal(s.counters.ws_connections_opened, 5);
  assert.equal(s.counters.ws_connections_completed, 5);
  await settled(srv);
  assert.equal(srv.stats.received.length, 5);
  for (const text of srv.stats.received) {
    const msg = JSON.parse(text) as { payload: { cid: string; sub: string } };
    assert.match(msg.payload.cid, /^conn-\d+$/, 'the captured connection id was sent back');
    assert.match(msg.payload.sub, /^user-\d+$/, 'the templated query reached the server and came back');
  }
});

test('ping: a protocol ping frame and an application ping paired with its pong record round trips', async (t) => {
  const srv = await startWsServer();
  t.after(() => srv.close());
  const r = await runInline({ target: srv.url, phases: [{ duration: 1, arrivalCount: 4 }] }, [{
    name: 'ping', engine: 'ws', flow: [
      { connect: '/ws/events' },
      { ping: null },
      { ping: { ...appPing, name: 'app_ping' } },
      { waitFor: connected },
    ],
  }]);
  const frame = byName(r.summary, 'ws_ping');
  const app = byName(r.summary, 'app_ping');
  assert.equal(frame.ok, 4);
  assert.equal(app.ok, 4);
  assert.ok(frame.latencyMs.max > 0 && app.latencyMs.max > 0);
  assert.equal(byName(r.summary, 'ws_message').ok, 4, 'the greeting that arrived during the pings was kept for the waitFor');
  assert.ok(srv.stats.received.every((m) => JSON.parse(m).message_type === 'ping'));
  assert.equal(r.summary.counters.ws_connections_completed, 4, 'a flow ending without close closes its connection as completed');
});

test('hold keeps the connection open for its duration and sends keep-alives on schedule', async (t) => {
  const srv = await startWsServer();
  t.after(() => srv.close());
  const r = await runInline({ target: srv.url, phases: [{ duration: 1, arrivalCount: 3 }] }, [{
    name: 'hold', engine: 'ws', flow: [
      { connect: '/ws/events' },
      { hold: { duration: '1200ms', keepAlive: { every: { min: '250ms', max: '350ms' }, ...appPing } } },
      { close: null },
    ],
  }]);
  assert.equal(byName(r.summary, 'ws_hold').ok, 3);
  await settled(srv);
  assert.equal(srv.stats.lifetimesMs.length, 3);
  for (const ms of srv.stats.lifetimesMs) assert.ok(ms >= 1150, `held ${ms} ms`);
  const pings = byName(r.summary, 'ws_ping');
  assert.ok(pings.ok >= 3 * 3 && pings.ok <= 3 * 5, `keep-alives answered: ${pings.ok}`);
  assert.equal(pings.errors, 0);
  assert.equal(r.summary.gaugePeaks.ws_connections, 3);
});

test('a refused upgrade (401, 404) is a counted cause; the flow and the run go on', async (t) => {
  const srv = await startWsServer();
  t.after(() => srv.close());
  const r = await runInline({ target: srv.url, phases: [{ duration: 1, arrivalCount: 4 }], expect: { 'ws.errors': { http_401: 0 } } }, [{
    name: 'refused', engine: 'ws', flow: [
      { connect: '/ws/refuse/401' },
      { send: 'hello' },
      { hold: '100ms' },
      { connect: '/ws/nothing-here' },
      { connect: '/ws/events' },
      { waitFor: connected },
    ],
  }]);
  const c = byName(r.summary, 'ws_connecting');
  assert.deepEqual(c.outcomes.failed, { http_401: 4, http_404: 4 });
  assert.equal(c.ok, 4);
  assert.equal(r.summary.counters['ws_errors:http_401'], 4);
  assert.equal(r.summary.counters['ws_errors:not_connected'], 8, 'send and hold without a connection fail fast');
  assert.equal(byName(r.summary, 'ws_message').ok, 4);
  assert.equal(r.expectations[0]!.isPass, false);
  assert.equal(r.expectations[0]!.measured, '4');
});

test('waitFor timeout and a malformed message for a JSON match are failed outcomes, not exceptions', async (t) => {
  const srv = await startWsServer();
  t.after(() => srv.close());
  const r = await runInline({ target: srv.url, phases: [{ duration: 1, arrivalCount: 3 }] }, [{
    name: 'faults', engine: 'ws', flow: [
      { connect: '/ws/silent' },
      { waitFor: { ...connected, timeout: '300ms', name: 'silent_wait' } },
      { connect: '/ws/garbage' },
      { waitFor: { ...connected, name: 'garbage_wait' } },
      { connect: '/ws/garbage' },
      { waitFor: { match: { regex: 'not json' }, name: 'regex_wait' } },
    ],
  }]);
  const silent = byName(r.summary, 'silent_wait');
  assert.deepEqual(silent.outcomes.failed, { timeout: 3 });
  assert.ok(silent.latencyMs.min >= 290, 'a timeout records the time spent');
  assert.deepEqual(byName(r.summary, 'garbage_wait').outcomes.failed, { malformed_json: 3 });
  assert.equal(byName(r.summary, 'regex_wait').ok, 3, 'a regex match reads the text, JSON or not');
  assert.equal(r.summary.counters['ws_errors:malformed_json'], 3);
  assert.equal(r.summary.counters.ws_connections_completed, 9, 'replacing a connection closes the previous one as completed');
});

test('a connection still open at the end of the run is abandoned, not held against stability', async (t) => {
  const srv = await startWsServer();
  t.after(() => srv.close());
  const r = await runInline({ target: srv.url, grace: '300ms', phases: [{ duration: 1, arrivalCount: 4 }], expect: { 'ws.stability': '100%' } }, [{
    name: 'long', engine: 'ws', flow: [{ connect: '/ws/events' }, { hold: '1m' }],
  }]);
  assert.equal(r.summary.counters.ws_connections_opened, 4);
  assert.equal(r.summary.counters.ws_connections_abandoned, 4);
  assert.equal(r.summary.counters.ws_connections_completed, undefined);
  assert.equal(r.expectations[0]!.isPass, false);
  assert.equal(r.expectations[0]!.reason, 'no samples', 'stability over zero settled connections is unknown, not 100%');
  await settled(srv);
  assert.equal(srv.stats.open, 0, 'the engine cut its sockets at close()');
});
