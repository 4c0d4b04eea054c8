/**
 * upstream's built-in rpc.ping, rpc.version and rpc.methods
 * (a2a_protocol/services/jsonrpc_handler.py). Versions are upstream's at the
 * snapshot the golden transcripts were recorded from.
 */

import type { IncomingMessage } from 'node:http';
import { RawJson } from '../jsonrpc-protocol.ts';
import { method, type MethodSpec } from '../sim-context.ts';
import { pyIsoNow } from './py-format.ts';

/** agentcore.__version__ and settings.A2A_PROTOCOL_VERSION upstream. */
export const AGENTCORE_VERSION = '0.1.0';
const VERSION = new RawJson({ agentcore_version: AGENTCORE_VERSION, jsonrpc_version: '2.0', a2a_protocol_version: '0.2' });

function ping(_p: unknown, _sim: unknown, req: IncomingMessage): unknown {
  void req;
  return { pong: true, timestamp: pyIsoNow(true), trace_id: null };
}

/** Builds the rpc.* methods; `names` lists every method the sim serves, for rpc.methods. */
export function rpcMethods(names: () => readonly string[]): MethodSpec[] {
  return [
    method('rpc.ping', ping),
    method('rpc.version', () => VERSION),
    method('rpc.methods', () => ({ methods: names() })),
  ];
}
