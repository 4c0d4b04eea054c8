/**
 * FastAPI's body validation for the JSON-RPC route, whose parameter is typed
 * `dict[str, Any] | list[dict[str, Any]]`: a body that is not JSON, is empty,
 * or is neither an object nor a list of objects gets 422 {"detail": [...]}
 * before any JSON-RPC processing (so upstream never answers -32700).
 */

import { RpcReply } from '../jsonrpc-protocol.ts';

/** One entry of FastAPI's 422 detail list. */
interface Issue {
  type: string;
  loc: (string | number)[];
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

const DICT = 'dict[str,any]';
const LIST = 'list[dict[str,any]]';

function isObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses `body`; returns the value, or the 422 issues FastAPI would list. */
export function bodyIssues(body: Buffer): { value: unknown; issues: null } | { value: null; issues: Issue[] } {
  if (body.length === 0) return { value: null, issues: [{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }] };
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (err) {
    // V8 names the offending position; Python's json module words its reason differently (golden tests compare the shape).
    const pos = Number(/position (\d+)/.exec(String(err))?.[1] ?? 0);
    return { value: null, issues: [{ type: 'json_invalid', loc: ['body', pos], msg: 'JSON decode error', input: {}, ctx: { error: 'Expecting value' } }] };
  }
  if (isObject(value)) return { value, issues: null };
  if (Array.isArray(value)) {
    const bad = value.findIndex((v) => !isObject(v));
    if (bad === -1) return { value, issues: null };
    return {
      value: null,
      issues: [
        { type: 'dict_type', loc: ['body', DICT], msg: 'Input should be a valid dictionary', input: value },
        { type: 'dict_type', loc: ['body', LIST, bad], msg: 'Input should be a valid dictionary', input: value[bad] },
      ],
    };
  }
  return {
    value: null,
    issues: [
      { type: 'dict_type', loc: ['body', DICT], msg: 'Input should be a valid dictionary', input: value },
      { type: 'list_type', loc: ['body', LIST], msg: 'Input should be a valid list', input: value },
    ],
  };
}

/** The 422 reply for `issues`. */
export function unprocessable(issues: readonly Issue[]): RpcReply {
  return new RpcReply(422, JSON.stringify({ detail: issues }), 0, 'unprocessable', '422');
}
