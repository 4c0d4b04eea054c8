/**
 * The gateway's realtime SSE stream, GET /realtime/events: a `connected`
 * event with connection, client and subscription ids, then a keepalive
 * event every 30 s, as upstream (sse-starlette, CRLF line ends).
 */

import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SimContext } from '../sim-context.ts';

const KEEPALIVE_MS = 30_000;

/** Opens the stream; counts the connection until the client goes away. */
export function serveSse(sim: SimContext, req: IncomingMessage, res: ServerResponse, headers: Record<string, string>): void {
  res.writeHead(200, { ...headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
  const first = { connection_id: randomUUID(), client_id: randomUUID(), subscription_id: randomUUID() };
  // upstream writes Python's json.dumps, with ", " and ": " separators.
  res.write(`event: connected\r\ndata: ${JSON.stringify(first).replace(/","/g, '", "').replace(/":"/g, '": "')}\r\n\r\n`);
  sim.gateway.sseConnections++;
  const timer = setInterval(() => res.write(`event: keepalive\r\ndata: {"timestamp": "${new Date().toISOString()}"}\r\n\r\n`), KEEPALIVE_MS);
  timer.unref();
  req.socket.once('close', () => {
    clearInterval(timer);
    sim.gateway.sseConnections--;
  });
}
