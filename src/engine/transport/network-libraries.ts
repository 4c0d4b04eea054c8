/**
 * undici and ws, loaded when an engine that needs them starts (its async
 * init), not when agentload starts: `agentload validate` and plans that never
 * speak a protocol do not pay ~100 ms (undici) or ~50 ms (ws) of module
 * loading for it. The hot path reads the loaded module synchronously.
 *
 * Of undici only the Client class is loaded (its own module; ClientPool makes the
 * connections): the package's index also loads fetch, WebSocket, EventSource, the
 * cookie and cache helpers and the mocks, and those wake node's own bundled undici:
 * about 40 ms of CPU more before the first request of every http run.
 */
import type * as Undici from 'undici';
import type * as Ws from 'ws';
import { InternalError } from '../errors.ts';

/** What agentload uses of undici. */
export interface UndiciLib {
  readonly Client: typeof Undici.Client;
}

let undici: UndiciLib | null = null;
let ws: typeof Ws | null = null;

export async function loadUndici(): Promise<UndiciLib> {
  return (undici ??= { Client: (await import('undici/lib/dispatcher/client.js')).default });
}

export async function loadWs(): Promise<typeof Ws> {
  return (ws ??= await import('ws'));
}

/** undici, once some engine's init has loaded it. */
export function undiciLoaded(): UndiciLib {
  if (undici === null) throw new InternalError('undici was used before an engine loaded it (call loadUndici() in init)');
  return undici;
}

/** ws, once some engine's init has loaded it. */
export function wsLoaded(): typeof Ws {
  if (ws === null) throw new InternalError('ws was used before an engine loaded it (call loadWs() in init)');
  return ws;
}
