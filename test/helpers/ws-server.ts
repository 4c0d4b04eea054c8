/**
 * A small AgentCore-like WebSocket server on 127.0.0.1:0 for the ws engine
 * tests (a real `ws` server, no mocks). Paths choose the behaviour:
 *
 *   /ws/events   greets {"message_type":"connected",…}; answers ping → pong,
 *                echo → echo (payload returned); closes every `dropEvery`-th
 *                connection `dropAfterMs` after it opened (stability tests); sends
 *                {"message_type":"release"} to all once `releaseAtOpen` are open together
 *   /ws/silent   accepts, never sends anything
 *   /ws/garbage  greets with a message that is not JSON
 *   /ws/refuse/N refuses the upgrade with HTTP status N (e.g. 401)
 *   anything else  404
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';

/** Options of startWsServer. */
export interface WsServerOptions {
  /** Close every n-th /ws/events connection (1-based count) … */
  dropEvery?: number;
  /** … this long after it opened. Default 200 ms. */
  dropAfterMs?: number;
  /** Once this many /ws/events connections are open together, send each {"message_type":"release"}. */
  releaseAtOpen?: number;
}

/** What the server saw. */
export interface WsServerStats {
  open: number;
  maxOpen: number;
  accepted: number;
  dropped: number;
  /** Text of every message received, in order. */
  received: string[];
  /** How long each closed connection lasted, ms. */
  lifetimesMs: number[];
}

/** A running test server. */
export interface TestWsServer {
  /** http://127.0.0.1:PORT — what a plan's `config.target` holds. */
  readonly url: string;
  readonly stats: WsServerStats;
  close(): Promise<void>;
}

/** Starts the server; close it in t.after. */
export async function startWsServer(opts: WsServerOptions = {}): Promise<TestWsServer> {
  const stats: WsServerStats = { open: 0, maxOpen: 0, accepted: 0, dropped: 0, received: [], lifetimesMs: [] };
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });
  const server = createServer((_req, res) => res.writeHead(404).end());
  server.maxConnections = 100_000;
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    const path = (req.url ?? '').split('?')[0]!;
    const refuse = /^\/ws\/refuse\/(\d{3})$/.exec(path);
    if (refuse !== null || !['/ws/events', '/ws/silent', '/ws/garbage'].includes(path)) {
      const status = refuse === null ? 404 : Number(refuse[1]);
      socket.end(`HTTP/1.1 ${status} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => accept(ws, path, req.url ?? ''));
  });

  function accept(ws: WebSocket, path: string, url: string): void {
    const openedAt = performance.now();
    const n = ++stats.accepted;
    stats.open++;
    stats.maxOpen = Math.max(stats.maxOpen, stats.open);
    ws.on('error', () => {});
    ws.on('close', () => {
      stats.open--;
      stats.lifetimesMs.push(performance.now() - openedAt);
    });
    if (path === '/ws/silent') return;
    if (path === '/ws/garbage') {
      ws.send('this is {not json');
      return;
    }
    const subscriber = new URLSearchParams(url.split('?')[1] ?? '').get('subscriber_id');
    ws.send(JSON.stringify({ message_type: 'connected', payload: { connection_id: `conn-${n}`, subscriber_id: subscriber } }));
    ws.on('message', (data: RawData) => onMessage(ws, String(data)));
    if (opts.releaseAtOpen !== undefined && stats.open === opts.releaseAtOpen) {
      for (const c of wss.clients) c.send('{"message_type":"release"}');
    }
    if (opts.dropEvery !== undefined && n % opts.dropEvery === 0) {
      setTimeout(() => {
        stats.dropped++;
        ws.close(4001, 'dropped by test server');
      }, opts.dropAfterMs ?? 200);
    }
  }

  function onMessage(ws: WebSocket, text: string): void {
    stats.received.push(text);
    let msg: { message_type?: string; payload?: unknown };
    try {
      msg = JSON.parse(text);
    } catch {
      ws.send('{"message_type":"error"}');
      return;
    }
    if (msg.message_type === 'ping') ws.send(JSON.stringify({ message_type: 'pong', payload: msg.payload }));
    else if (msg.message_type === 'echo') ws.send(JSON.stringify({ message_type: 'echo', payload: msg.payload }));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    stats,
    close: () => new Promise((resolve) => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
