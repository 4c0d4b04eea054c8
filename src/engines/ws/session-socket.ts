/**
 * A `ws` client socket that knows its owner. Listeners are module-level
 * functions attached once per connection; each one forwards to the owner
 * read from `this`, so a connection costs no closures of ours and a message
 * costs none at all. Detaching (owner = null) is how the plan closes a
 * socket without hearing about it again: late events find no owner.
 */
import type { IncomingMessage } from 'node:http';
import type { ClientOptions, RawData, WebSocket } from 'ws';
import { loadWs } from '../../engine/transport/network-libraries.ts';

/** What a socket reports to; implemented by WsSession. */
export interface SocketOwner {
  onOpen(): void;
  onMessage(data: Buffer): void;
  onPong(): void;
  onError(err: Error): void;
  onClose(): void;
  onRefused(status: number): void;
  /** The run ended with the socket still live: account for it; the caller terminates the socket. */
  abandon(): void;
}

/** Keeps the set of live sockets so the engine can cut them at the end of a run. */
export interface SocketRegistry {
  track(s: SessionSocket): void;
  untrack(s: SessionSocket): void;
}

/** See the module comment. */
export type SessionSocket = WebSocket & { owner: SocketOwner | null; registry: SocketRegistry | null };

type SessionSocketClass = new (url: string, protocols: string[], options: ClientOptions) => SessionSocket;
let SessionSocketImpl: SessionSocketClass | null = null;

/**
 * Defines the socket class once ws is loaded (the engine's init): a subclass
 * keeps owner and registry as fields of one shape, and ws is not loaded by
 * runs that hold no WebSocket.
 */
export async function loadSessionSockets(): Promise<void> {
  if (SessionSocketImpl !== null) return;
  const { WebSocket: Base } = await loadWs();
  SessionSocketImpl = class extends Base {
    owner: SocketOwner | null = null;
    registry: SocketRegistry | null = null;
  };
}

function onOpen(this: WebSocket): void {
  (this as SessionSocket).owner?.onOpen();
}

function onMessage(this: WebSocket, data: RawData): void {
  // binaryType stays 'nodebuffer', so every message (fragmented or not) arrives as one Buffer.
  (this as SessionSocket).owner?.onMessage(data as Buffer);
}

function onPong(this: WebSocket): void {
  (this as SessionSocket).owner?.onPong();
}

function onError(this: WebSocket, err: Error): void {
  (this as SessionSocket).owner?.onError(err);
}

function onClose(this: WebSocket): void {
  const s = this as SessionSocket;
  s.registry?.untrack(s);
  s.owner?.onClose();
}

function onUnexpectedResponse(this: WebSocket, _req: unknown, res: IncomingMessage): void {
  const s = this as SessionSocket;
  if (s.owner !== null) s.owner.onRefused(res.statusCode ?? 0);
  else s.terminate();
}

/**
 * Opens a socket to `url` owned by `owner`. Throws only on what the ws
 * constructor rejects synchronously (an invalid URL).
 */
export function openSocket(
  url: string, subprotocols: readonly string[], options: ClientOptions, owner: SocketOwner, registry: SocketRegistry,
): SessionSocket {
  const s = new SessionSocketImpl!(url, subprotocols as string[], options);
  s.owner = owner;
  s.registry = registry;
  s.on('open', onOpen);
  s.on('message', onMessage);
  s.on('pong', onPong);
  s.on('error', onError);
  s.on('close', onClose);
  s.on('unexpected-response', onUnexpectedResponse);
  registry.track(s);
  return s;
}
