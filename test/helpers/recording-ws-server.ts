/**
 * A ws server on 127.0.0.1 that keeps the text of every message it receives,
 * in order, and lets the test answer each one: for tests that count what a
 * scenario sent (and did not send) over WebSocket.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** A running recording server. */
export interface RecordingWsServer {
  /** ws://127.0.0.1:PORT/ */
  readonly url: string;
  /** Text of every message received, in order. */
  readonly received: string[];
  /** Every connection's request path and headers, in the order they opened. */
  readonly connections: Array<{ readonly url: string; readonly headers: IncomingHttpHeaders }>;
}

/** Starts the server, closed in t.after; `onMessage` answers (or closes) per message. */
export async function startRecordingWsServer(
  t: { after(fn: () => Promise<void>): void },
  onMessage: (text: string, ws: WebSocket) => void = () => {},
): Promise<RecordingWsServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  t.after(() => new Promise<void>((r) => wss.close(() => r())));
  const received: string[] = [];
  const connections: RecordingWsServer['connections'] = [];
  wss.on('connection', (ws, req) => {
    connections.push({ url: req.url ?? '', headers: req.headers });
    ws.on('message', (raw) => {
      const text = raw.toString();
      received.push(text);
      onMessage(text, ws);
    });
  });
  return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`, received, connections };
}
