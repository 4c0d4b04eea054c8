/**
 * Parameter checks for JSON-RPC methods. Each throws an RpcFault -32602
 * naming the parameter, what was expected and what was received, so a load
 * test's failure reason says exactly which field its template got wrong.
 */

import type { IncomingMessage } from 'node:http';
import { RPC, RpcFault } from '../jsonrpc-protocol.ts';
import type { Params } from '../sim-context.ts';

function received(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'string' ? `"${value.length > 40 ? value.slice(0, 37) + '...' : value}"` : typeof value;
}

/** The -32602 fault for `name`. */
export function invalidParam(name: string, expected: string, value: unknown): RpcFault {
  return new RpcFault(RPC.INVALID_PARAMS, `invalid params: ${name}: expected ${expected}, got ${received(value)}`);
}

/** A required non-empty string. */
export function requireString(p: Params, name: string): string {
  const v = p[name];
  if (typeof v === 'string' && v.length > 0) return v;
  throw invalidParam(name, 'a non-empty string', v);
}

/** An optional string; absent → fallback. */
export function optionalString(p: Params, name: string, fallback: string): string {
  const v = p[name];
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'string') return v;
  throw invalidParam(name, 'a string', v);
}

/** A required finite number. */
export function requireNumber(p: Params, name: string): number {
  const v = p[name];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  throw invalidParam(name, 'a number', v);
}

/** An optional integer clamped into [1, max]; absent → fallback. */
export function optionalLimit(p: Params, name: string, fallback: number, max: number): number {
  const v = p[name];
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1) return Math.min(v, max);
  throw invalidParam(name, 'a positive integer', v);
}

/** An optional list of strings (or of `{name}` objects, as AgentCore capability cards have). */
export function optionalStringList(p: Params, name: string): string[] {
  const v = p[name];
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) {
    const out: string[] = [];
    for (const item of v) {
      if (typeof item === 'string') out.push(item);
      else if (typeof item === 'object' && item !== null && typeof (item as { name?: unknown }).name === 'string') {
        out.push((item as { name: string }).name);
      } else throw invalidParam(name, 'a list of strings', v);
    }
    return out;
  }
  throw invalidParam(name, 'a list of strings', v);
}

/** A nested object parameter; absent → null. */
export function optionalObject(p: Params, name: string): Params | null {
  const v = p[name];
  if (v === undefined || v === null) return null;
  if (typeof v === 'object' && !Array.isArray(v)) return v as Params;
  throw invalidParam(name, 'an object', v);
}

/** The bearer token of `req`, or null. */
export function bearerToken(req: IncomingMessage): string | null {
  const auth = req.headers.authorization;
  if (auth === undefined || auth.length < 8 || !/^bearer /i.test(auth)) return null;
  const token = auth.slice(7).trim();
  return token.length > 0 ? token : null;
}

/**
 * Who a call is "from" for rate limiting: the bearer token, else the
 * X-Client-Id header, else `params.identifier`. Null when the caller is
 * anonymous; the router then decides whether to fall back to the address.
 */
export function clientKey(req: IncomingMessage, params: Params): string | null {
  const token = bearerToken(req);
  if (token !== null) return 'bearer:' + token;
  const clientId = req.headers['x-client-id'];
  if (typeof clientId === 'string' && clientId.length > 0) return 'client:' + clientId;
  const identifier = params['identifier'];
  if (typeof identifier === 'string' && identifier.length > 0) return 'id:' + identifier;
  return null;
}

/** Who a tool execution is billed to for quotas: `params.identifier`, else the bearer token, else X-Client-Id, else "anonymous". */
export function quotaIdentifier(req: IncomingMessage, params: Params): string {
  const identifier = params['identifier'];
  if (typeof identifier === 'string' && identifier.length > 0) return identifier;
  const token = bearerToken(req);
  if (token !== null) return token;
  const clientId = req.headers['x-client-id'];
  return typeof clientId === 'string' && clientId.length > 0 ? clientId : 'anonymous';
}
