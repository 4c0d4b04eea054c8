/**
 * Misbehaving targets on 127.0.0.1 for the hardening tests (issue 20): each
 * speaks raw TCP so it can break HTTP in one precise way. Each returns its
 * URL and a close function; tests close them in t.after.
 */
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** A running hostile server. */
export interface HostileServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** Calls `onRequest(socket)` once per request head received (keep-alive connections may carry several). */
export async function rawServer(onRequest: (socket: Socket) => void): Promise<HostileServer> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let head = '';
    socket.on('data', (d: Buffer) => {
      head += d.toString('latin1');
      // Requests here carry small bodies: a request is its head plus whatever came with it.
      while (head.includes('\r\n\r\n')) {
        head = head.slice(head.indexOf('\r\n\r\n') + 4);
        onRequest(socket);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () => new Promise((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
}

/** A port that refuses connections: bound once to learn a free port, then closed. */
export async function refusedUrl(): Promise<string> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return `http://127.0.0.1:${port}`;
}

const CHUNK = Buffer.alloc(64 * 1024, 0x61);

/**
 * Writes a `bytes`-long body after `head` from one reused 64 KB buffer, following
 * the socket's backpressure: the server itself holds no more than a chunk.
 */
export function streamBody(socket: Socket, head: string, bytes: number): void {
  socket.write(head);
  let left = bytes;
  const pump = (): void => {
    while (left > 0 && !socket.destroyed) {
      const n = Math.min(left, CHUNK.length);
      left -= n;
      if (!socket.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) {
        socket.once('drain', pump);
        return;
      }
    }
  };
  pump();
}

/** Samples the process's RSS every 10 ms until stop(); returns the peak above the RSS at start, in MB. */
export function rssGrowth(): { stop(): number } {
  const base = process.memoryUsage.rss();
  let peak = base;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage.rss()); }, 10);
  return {
    stop() {
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage.rss());
      return (peak - base) / 1e6;
    },
  };
}
