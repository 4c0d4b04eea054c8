/**
 * The sim's WebSockets, three kinds (`SocketKind`):
 *
 * - `a2a`: upstream's `/api/v1/ws/events?subscriber_id=ID`. Without
 *   subscriber_id (or on an unknown path) the handshake gets 403. On connect:
 *   {"message_type":"connected","payload":{"connection_id","subscriber_id","message"}};
 *   {"message_type":"ping","payload":{"timestamp":T}} → {"message_type":"pong","payload":{"timestamp":T}};
 *   "subscribe" and unknown types get no reply (upstream subscribes over
 *   JSON-RPC event.subscribe); a frame that is not a JSON object closes the socket (1000).
 * - `realtime`: the gateway's `/realtime/ws`: {"type":"connection",...} on
 *   connect, {"type":"ping"} → {"type":"pong"}, "subscribe" → "subscribed",
 *   bad JSON → {"type":"error","error":"Invalid JSON message"}.
 * - `seed` (seedCompat only): `/ws/events`, the seed files' protocol: replies
 *   to subscribe and errors as frames, subscriber_id optional.
 *
 * Extension: with `eventsPerSec` > 0 every a2a/seed socket receives
 *   {"message_type":"event","payload":{"event_type","sequence","timestamp"}}.
 *
 * Built to hold 10 000+ connections: per-connection state is two fields on a
 * WebSocket subclass, listeners are shared module-level functions, and
 * broadcasting and idle sweeping each use ONE timer for all connections,
 * with each broadcast serialised once.
 */

import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData, type Server as WsServer } from 'ws';
import type { SimMetrics } from './metrics.ts';
import type { SimConfig } from './sim-config.ts';

/** Which protocol a socket speaks (see the file comment). */
type SocketKind = 'a2a' | 'realtime' | 'seed';

/** A connection plus the only state the sim keeps for it. */
class SimSocket extends WebSocket {
  hub: WsHub | null = null;
  lastSeenMs = 0;
  kind: SocketKind = 'a2a';
}

const EVENTS_PATH = '/api/v1/ws/events';
const SEED_EVENTS_PATH = '/ws/events';
const REALTIME_PATH = '/realtime/ws';
const FORBIDDEN = 'HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n';
const TEXT_FRAME = { binary: false } as const;
const MIN_EVENT_INTERVAL_MS = 10;

function noop(): void {}

function reply(ws: SimSocket, text: string): void {
  ws.send(text);
  ws.hub!.metrics.wsSentTotal++;
}

type Frame = { message_type?: unknown; type?: unknown; payload?: { timestamp?: unknown; event_types?: unknown }; topics?: unknown; event_types?: unknown };

function onRealtimeMessage(ws: SimSocket, msg: Frame | null): void {
  if (msg === null || typeof msg !== 'object') return reply(ws, '{"type":"error","error":"Invalid JSON message"}');
  if (msg.type === 'ping') return reply(ws, '{"type":"pong"}');
  if (msg.type === 'subscribe') {
    const topics = Array.isArray(msg.topics) ? msg.topics : [];
    const eventTypes = Array.isArray(msg.event_types) ? msg.event_types : [];
    return reply(ws, JSON.stringify({ type: 'subscribed', subscription_id: randomUUID(), topics, event_types: eventTypes }));
  }
  reply(ws, JSON.stringify({ type: 'error', error: `Unknown message type: ${String(msg.type)}` }));
}

function onA2aMessage(ws: SimSocket, msg: Frame | null): void {
  // upstream's receive_json() raises on a non-JSON frame and a non-object has no .get(): either ends the handler, which closes the socket.
  if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) return ws.close(1000);
  if (msg.message_type === 'ping') {
    const ts = msg.payload?.timestamp;
    reply(ws, '{"message_type":"pong","payload":{"timestamp":' + JSON.stringify(ts ?? null) + '}}');
  }
}

function onMessage(this: WebSocket, data: RawData, _isBinary: boolean): void {
  const ws = this as SimSocket;
  ws.hub!.metrics.wsReceivedTotal++;
  ws.lastSeenMs = performance.now();
  let msg: Frame | null = null;
  try {
    // The server keeps ws's default binaryType, nodebuffer: a message is one Buffer, text or binary.
    msg = JSON.parse((data as Buffer).toString('utf8')) as Frame;
  } catch {
    msg = null;
  }
  if (ws.kind === 'a2a') return onA2aMessage(ws, msg);
  if (ws.kind === 'realtime') return onRealtimeMessage(ws, msg);
  if (msg === null) return reply(ws, '{"message_type":"error","payload":{"error":"invalid JSON"}}');
  const type = msg?.message_type;
  if (type === 'ping') {
    const ts = msg.payload?.timestamp;
    return reply(ws, '{"message_type":"pong","payload":{"timestamp":' + JSON.stringify(ts ?? null) + '}}');
  }
  if (type === 'subscribe') {
    const eventTypes = Array.isArray(msg.payload?.event_types) ? msg.payload.event_types : [];
    return reply(ws, JSON.stringify({ message_type: 'subscribed', payload: { event_types: eventTypes } }));
  }
  reply(ws, '{"message_type":"error","payload":{"error":"unknown message_type"}}');
}

function onProtocolPing(this: WebSocket): void {
  (this as SimSocket).lastSeenMs = performance.now();
}

function broadcastTick(hub: WsHub): void {
  hub.broadcast();
}

function sweepTick(hub: WsHub): void {
  hub.sweepIdle();
}

/**
 * The WebSocket side of one sim. `handleUpgrade` is called from the HTTP
 * server's 'upgrade' event; everything else runs on the hub's timers.
 * Single-threaded.
 */
export class WsHub {
  readonly metrics: SimMetrics;
  private readonly wss: WsServer<typeof SimSocket>;
  private readonly idleTimeoutMs: number | null;
  private readonly eventsPerTick: number;
  private eventBudget = 0;
  private eventSeq = 0;
  private connectionSeq = 0;
  private readonly timers: NodeJS.Timeout[] = [];

  private readonly isSeedCompat: boolean;

  constructor(config: SimConfig, metrics: SimMetrics) {
    this.metrics = metrics;
    this.isSeedCompat = config.seedCompat;
    this.idleTimeoutMs = config.wsIdleTimeoutMs;
    this.wss = new WebSocketServer<typeof SimSocket>({
      noServer: true, perMessageDeflate: false, maxPayload: config.wsMaxPayloadBytes, WebSocket: SimSocket,
    });
    this.wss.on('error', noop);
    const intervalMs = config.eventsPerSec > 0 ? Math.max(MIN_EVENT_INTERVAL_MS, 1000 / config.eventsPerSec) : 0;
    this.eventsPerTick = (config.eventsPerSec * intervalMs) / 1000;
    if (intervalMs > 0) this.timers.push(setInterval(broadcastTick, intervalMs, this));
    if (this.idleTimeoutMs !== null) {
      this.timers.push(setInterval(sweepTick, Math.max(100, Math.min(this.idleTimeoutMs / 2, 5000)), this));
    }
    for (const t of this.timers) t.unref();
  }

  /** Open connections right now. */
  get active(): number {
    return this.wss.clients.size;
  }

  /**
   * Accepts an upgrade on one of the WebSocket paths; answers 403 and closes
   * otherwise, as upstream does for an unknown path or a missing subscriber_id.
   * `isGatewayPort`: on the gateway's own port only /realtime/ws exists.
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, isGatewayPort: boolean): void {
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    const query = new URLSearchParams(q === -1 ? '' : url.slice(q + 1));
    let kind: SocketKind | null = null;
    if (path === REALTIME_PATH) kind = 'realtime';
    else if (!isGatewayPort && path === EVENTS_PATH && query.get('subscriber_id')) kind = 'a2a';
    else if (!isGatewayPort && this.isSeedCompat && (path === SEED_EVENTS_PATH || path === EVENTS_PATH)) kind = 'seed';
    if (kind === null) {
      socket.on('error', noop);
      socket.end(FORBIDDEN);
      return;
    }
    const subscriberId = query.get('subscriber_id') || `anonymous-${this.connectionSeq + 1}`;
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, kind, subscriberId));
  }

  private accept(ws: SimSocket, kind: SocketKind, subscriberId: string): void {
    this.connectionSeq++;
    this.metrics.wsOpenedTotal++;
    ws.hub = this;
    ws.kind = kind;
    ws.lastSeenMs = performance.now();
    ws.on('error', noop);
    ws.on('message', onMessage);
    if (this.idleTimeoutMs !== null) ws.on('ping', onProtocolPing);
    if (kind === 'realtime') {
      reply(ws, JSON.stringify({ type: 'connection', status: 'connected', connection_id: randomUUID(), client_id: randomUUID() }));
      return;
    }
    const payload = kind === 'a2a'
      ? { connection_id: randomUUID(), subscriber_id: subscriberId, message: 'WebSocket connection established' }
      : { connection_id: `conn-${this.connectionSeq}`, subscriber_id: subscriberId, timestamp: new Date().toISOString() };
    reply(ws, JSON.stringify({ message_type: 'connected', payload }));
  }

  /** Sends this tick's events to every open connection; each event is serialised once. */
  broadcast(): void {
    this.eventBudget += this.eventsPerTick;
    while (this.eventBudget >= 1) {
      this.eventBudget -= 1;
      this.eventSeq++;
      const frame = Buffer.from(JSON.stringify({
        message_type: 'event',
        payload: { event_type: 'agent.heartbeat', sequence: this.eventSeq, timestamp: new Date().toISOString() },
      }));
      for (const ws of this.wss.clients) {
        if (ws.readyState !== WebSocket.OPEN || ws.kind === 'realtime') continue;
        ws.send(frame, TEXT_FRAME);
        this.metrics.wsSentTotal++;
      }
    }
  }

  /** Closes connections silent for longer than wsIdleTimeoutMs. */
  sweepIdle(): void {
    const cutoff = performance.now() - this.idleTimeoutMs!;
    for (const ws of this.wss.clients) {
      if (ws.lastSeenMs < cutoff) ws.close(4000, 'idle timeout');
    }
  }

  /** Stops the timers and drops every connection. */
  close(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    for (const ws of this.wss.clients) ws.terminate();
    return new Promise((resolve) => this.wss.close(() => resolve()));
  }
}
