/**
 * WebSocket `/ws/events?subscriber_id=ID`, AgentCore's event stream.
 *
 * On connect the server sends
 *   {"message_type":"connected","payload":{"connection_id","subscriber_id","timestamp"}}
 * and answers {"message_type":"ping","payload":{"timestamp":T}} with
 *   {"message_type":"pong","payload":{"timestamp":T}}.
 * With `eventsPerSec` > 0 every subscriber receives
 *   {"message_type":"event","payload":{"event_type","sequence","timestamp"}}.
 *
 * Built to hold 10 000+ connections: per-connection state is two fields on a
 * WebSocket subclass, listeners are shared module-level functions, and
 * broadcasting and idle sweeping each use ONE timer for all connections,
 * with each broadcast serialised once.
 */

import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData, type Server as WsServer } from 'ws';
import type { SimMetrics } from './metrics.ts';
import type { SimConfig } from './sim-config.ts';

/** A connection plus the only state the sim keeps for it. */
class SimSocket extends WebSocket {
  hub: WsHub | null = null;
  lastSeenMs = 0;
}

const EVENTS_PATH = '/ws/events';
const TEXT_FRAME = { binary: false } as const;
const MIN_EVENT_INTERVAL_MS = 10;
const NOT_FOUND = 'HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n';

function noop(): void {}

function reply(ws: SimSocket, text: string): void {
  ws.send(text);
  ws.hub!.metrics.wsSentTotal++;
}

function onMessage(this: WebSocket, data: RawData, isBinary: boolean): void {
  const ws = this as SimSocket;
  ws.hub!.metrics.wsReceivedTotal++;
  ws.lastSeenMs = performance.now();
  let msg: { message_type?: unknown; payload?: { timestamp?: unknown; event_types?: unknown } };
  try {
    msg = JSON.parse(isBinary ? String(data) : data.toString());
  } catch {
    return reply(ws, '{"message_type":"error","payload":{"error":"invalid JSON"}}');
  }
  const type = msg?.message_type;
  if (type === 'ping') {
    const ts = msg.payload?.timestamp;
    return reply(ws, '{"message_type":"pong","payload":{"timestamp":' + JSON.stringify(ts ?? null) + '}}');
  }
  if (type === 'subscribe') {
    const eventTypes = Array.isArray(msg.payload?.event_types) ? msg.payload!.event_types : [];
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

  constructor(config: SimConfig, metrics: SimMetrics) {
    this.metrics = metrics;
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

  /** Accepts an upgrade on /ws/events; answers 404 and closes for any other path. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    if (path !== EVENTS_PATH) {
      socket.on('error', noop);
      socket.end(NOT_FOUND);
      return;
    }
    const subscriberId = new URLSearchParams(q === -1 ? '' : url.slice(q + 1)).get('subscriber_id') ||
      `anonymous-${this.connectionSeq + 1}`;
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, subscriberId));
  }

  private accept(ws: SimSocket, subscriberId: string): void {
    this.connectionSeq++;
    this.metrics.wsOpenedTotal++;
    ws.hub = this;
    ws.lastSeenMs = performance.now();
    ws.on('error', noop);
    ws.on('message', onMessage);
    if (this.idleTimeoutMs !== null) ws.on('ping', onProtocolPing);
    reply(ws, JSON.stringify({
      message_type: 'connected',
      payload: { connection_id: `conn-${this.connectionSeq}`, subscriber_id: subscriberId, timestamp: new Date().toISOString() },
    }));
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
        if (ws.readyState !== WebSocket.OPEN) continue;
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
