import assert from 'node:assert/strict';
import { once } from 'node:events';
import { test } from 'node:test';
import { WebSocket } from 'ws';
import type { SimHandle } from '../../src/sim/start-sim.ts';
import { get, metricValue, startTestSim } from './sim-helpers.ts';

function wsUrl(sim: SimHandle, query = ''): string {
  return `${sim.url.replace('http', 'ws')}/ws/events${query}`;
}

/** Opens a connection and resolves with it and its first (connected) message. */
async function connect(sim: SimHandle, subscriberId: string): Promise<{ ws: WebSocket; hello: any }> {
  const ws = new WebSocket(wsUrl(sim, `?subscriber_id=${subscriberId}`));
  const [data] = await once(ws, 'message');
  return { ws, hello: JSON.parse(String(data)) };
}

async function next(ws: WebSocket): Promise<any> {
  const [data] = await once(ws, 'message');
  return JSON.parse(String(data));
}

test('connect sends a connected message; ping gets a pong with the same timestamp', async (t) => {
  const sim = await startTestSim(t);
  const { ws, hello } = await connect(sim, 'sub-1');
  t.after(() => ws.terminate());
  assert.equal(hello.message_type, 'connected');
  assert.equal(hello.payload.subscriber_id, 'sub-1');
  assert.match(hello.payload.connection_id, /^conn-\d+$/);
  assert.ok(!Number.isNaN(Date.parse(hello.payload.timestamp)));

  ws.send(JSON.stringify({ message_type: 'ping', payload: { timestamp: 1712345678.25 } }));
  assert.deepEqual(await next(ws), { message_type: 'pong', payload: { timestamp: 1712345678.25 } });
  ws.send(JSON.stringify({ message_type: 'subscribe', payload: { event_types: ['agent.status'] } }));
  assert.deepEqual(await next(ws), { message_type: 'subscribed', payload: { event_types: ['agent.status'] } });
  ws.send('not json');
  assert.equal((await next(ws)).message_type, 'error');
  ws.send(JSON.stringify({ message_type: 'dance' }));
  assert.equal((await next(ws)).payload.error, 'unknown message_type');
});

test('other paths are refused with 403, as upstream', async (t) => {
  const sim = await startTestSim(t);
  const ws = new WebSocket(`${sim.url.replace('http', 'ws')}/ws/other`);
  const [err] = await once(ws, 'error');
  assert.match(String(err), /403/);
});

test('events are pushed to every subscriber at eventsPerSec', async (t) => {
  const sim = await startTestSim(t, { eventsPerSec: 50 });
  const a = await connect(sim, 'a');
  const b = await connect(sim, 'b');
  t.after(() => { a.ws.terminate(); b.ws.terminate(); });
  const [ea, eb] = await Promise.all([next(a.ws), next(b.ws)]);
  assert.equal(ea.message_type, 'event');
  assert.equal(ea.payload.event_type, 'agent.heartbeat');
  assert.equal(typeof eb.payload.sequence, 'number');
});

test('silent connections are closed after wsIdleTimeoutMs', async (t) => {
  const sim = await startTestSim(t, { wsIdleTimeoutMs: 200 });
  const { ws } = await connect(sim, 'idle');
  const [code] = await once(ws, 'close');
  assert.equal(code, 4000);
});

test('holds 1000 concurrent connections and reports them in /metrics', async (t) => {
  const sim = await startTestSim(t);
  const count = 1000;
  const sockets: WebSocket[] = [];
  t.after(() => { for (const ws of sockets) ws.terminate(); });
  const hellos = await Promise.all(Array.from({ length: count }, async (_, i) => {
    const c = await connect(sim, `many-${i}`);
    sockets.push(c.ws);
    return c.hello;
  }));
  assert.equal(new Set(hellos.map((h) => h.payload.connection_id)).size, count);
  const metrics = await get(sim, '/metrics');
  assert.equal(metricValue(metrics.text, 'agentload_sim_ws_connections_active'), count);
  assert.equal(metricValue(metrics.text, 'agentload_sim_ws_connections_total'), count);
  // A ping on the last connection still gets its pong with all of them open.
  const last = sockets[sockets.length - 1]!;
  last.send('{"message_type":"ping","payload":{"timestamp":"t"}}');
  assert.equal((await next(last)).payload.timestamp, 't');
});
