/**
 * Small purpose-built servers on 127.0.0.1, port 0, for tests. Each returns
 * its URL and a close function; tests close them in t.after.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running test server. */
export interface TestServer {
  readonly url: string;
  readonly port: number;
  /** Requests seen so far, in arrival order (method, url, headers, body). */
  readonly requests: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string; atMs: number }>;
  /** Requests in flight right now, and the maximum seen. */
  readonly inFlight: { now: number; max: number };
  /** TCP connections accepted so far. */
  readonly connections: { accepted: number };
  close(): Promise<void>;
}

/** Handler gets the parsed request body; may be async (to add latency). */
export type TestHandler = (req: IncomingMessage, res: ServerResponse, body: string) => void | Promise<void>;

/** Starts a node:http server on 127.0.0.1:0 recording every request. */
export async function startHttpServer(handler: TestHandler, opts: { record?: boolean } = {}): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const inFlight = { now: 0, max: 0 };
  const record = opts.record ?? true;
  const server = createServer((req, res) => {
    inFlight.now++;
    inFlight.max = Math.max(inFlight.max, inFlight.now);
    res.on('finish', () => inFlight.now--);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      if (record) requests.push({ method: req.method!, url: req.url!, headers: req.headers, body, atMs: performance.now() });
      void handler(req, res, body);
    });
  });
  server.keepAliveTimeout = 60_000;
  const connections = { accepted: 0 };
  server.on('connection', () => connections.accepted++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    inFlight,
    connections,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** Replies 200 with a small JSON body. */
export const okJson: TestHandler = (_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end('{"ok":true}');
};

/** A port with nothing listening (bound then closed), for refused-connection tests. */
export async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
