/**
 * JSON-RPC 2.0 wire pieces shared by the router and the methods: error
 * codes, the fault value methods throw, and response serialisation by string
 * splicing (the id is the only dynamic part of most responses).
 */

/** Error codes the sim answers with. The -320xx ones follow AgentCore's. */
export const RPC = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  TOOL_FAILED: -32000,
  RATE_LIMITED: -32001,
  UNAUTHORIZED: -32002,
  QUOTA_EXCEEDED: -32005,
} as const;

/**
 * A JSON-RPC error outcome thrown (or resolved) by a method. It is
 * deliberately not an Error: these are expected answers, not bugs, and
 * skipping the stack capture keeps error-heavy load (rate limits, bad
 * params) cheap. Anything else thrown by a method is a bug → -32603.
 */
export class RpcFault {
  readonly code: number;
  readonly message: string;
  readonly data: unknown;
  constructor(code: number, message: string, data?: unknown) {
    this.code = code;
    this.message = message;
    this.data = data;
  }
}

/** A result already serialised to JSON, returned by methods whose answer never changes. */
export class RawJson {
  readonly json: string;
  constructor(value: unknown) {
    this.json = JSON.stringify(value);
  }
  /** Already-serialised JSON text, for answers whose exact spelling matters (Python's `0.0`). */
  static fromText(json: string): RawJson {
    const r = new RawJson(null);
    (r as { json: string }).json = json;
    return r;
  }
}

/** `{"jsonrpc":"2.0","id":<idJson>,"result":<resultJson>}` */
export function resultBody(idJson: string, resultJson: string): string {
  return '{"jsonrpc":"2.0","id":' + idJson + ',"result":' + resultJson + '}';
}

/** `{"jsonrpc":"2.0","id":<idJson>,"error":{code,message[,data]}}` */
export function errorBody(idJson: string, code: number, message: string, data?: unknown): string {
  const error = data === undefined ? { code, message } : { code, message, data };
  return '{"jsonrpc":"2.0","id":' + idJson + ',"error":' + JSON.stringify(error) + '}';
}

/** Serialises any method result: RawJson as is, everything else with JSON.stringify. */
export function toResultJson(value: unknown): string {
  if (value instanceof RawJson) return value.json;
  return JSON.stringify(value ?? null);
}

/**
 * The answer to one call or one HTTP request: status, body (null → no
 * body, e.g. notifications; a Buffer for static answers serialised once),
 * Retry-After seconds (0 → none) and the metric labels: `label` is the
 * method or route, `code` the HTTP status unless it is 200, then the
 * JSON-RPC error code if any. All fields are set in the constructor.
 */
export class RpcReply {
  readonly status: number;
  readonly body: string | Buffer | null;
  readonly retryAfterSec: number;
  readonly label: string;
  readonly code: string;
  constructor(status: number, body: string | Buffer | null, retryAfterSec: number, label: string, code: string) {
    this.status = status;
    this.body = body;
    this.retryAfterSec = retryAfterSec;
    this.label = label;
    this.code = code;
  }
}

/** Builds the reply for an error: metric code is the HTTP status unless 200, then the JSON-RPC code. */
export function errorReply(status: number, idJson: string, label: string, fault: RpcFault, retryAfterSec = 0): RpcReply {
  return new RpcReply(status, errorBody(idJson, fault.code, fault.message, fault.data), retryAfterSec, label,
    status === 200 ? String(fault.code) : String(status));
}
