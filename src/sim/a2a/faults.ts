/**
 * The JSON-RPC errors upstream's processor produces, as RpcFaults: a handler
 * that raises anything is -32603 "Internal error" with the exception text in
 * data.details; a pydantic ValidationError that escapes a handler is -32600
 * "Invalid Request" with data.validation_errors; an unknown method is -32601.
 */

import { RPC, RpcFault } from '../jsonrpc-protocol.ts';

/** A handler's raised exception: -32603 with `details` (upstream's str(e)). */
export function internal(details: string): RpcFault {
  return new RpcFault(RPC.INTERNAL_ERROR, 'Internal error', { details });
}

/** One entry of pydantic's errors() list. */
export interface ValidationIssue {
  type: string;
  loc: (string | number)[];
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
  url?: string;
}

/** A ValidationError that escaped a handler: -32600 with the issues. */
export function invalidRequest(issues: ValidationIssue[]): RpcFault {
  return new RpcFault(RPC.INVALID_REQUEST, 'Invalid Request', { validation_errors: issues });
}

/** -32601 for `name`. */
export function methodNotFound(name: string): RpcFault {
  return new RpcFault(RPC.METHOD_NOT_FOUND, 'Method not found', { details: `Method '${name}' not found` });
}

/** A required field missing, as pydantic reports it. */
export function missingField(field: string, input: unknown): ValidationIssue {
  return { type: 'missing', loc: [field], msg: 'Field required', input, url: docsUrl('missing') };
}

/** pydantic's documentation link for an error type, at the version upstream ran when recorded. */
function docsUrl(type: string): string {
  return `https://errors.pydantic.dev/2.13/v/${type}`;
}

/** A value outside an enum, as pydantic reports it. */
export function enumIssue(field: string, allowed: readonly string[], input: unknown): ValidationIssue {
  const expected = allowed.length === 1 ? `'${allowed[0]}'`
    : allowed.slice(0, -1).map((a) => `'${a}'`).join(', ') + ` or '${allowed[allowed.length - 1]}'`;
  return { type: 'enum', loc: [field], msg: `Input should be ${expected}`, input, ctx: { expected }, url: docsUrl('enum') };
}

/**
 * A pydantic ValidationError raised by a custom field validator: its errors() carry the ValueError
 * itself in `ctx.error`, which upstream cannot JSON-encode, so the route's last-resort handler answers
 * the whole request HTTP 500 with id null (seen with task.create's task_type "text-generation").
 */
export class UnserializableValidationError extends RpcFault {
  constructor() {
    super(RPC.INTERNAL_ERROR, 'Internal server error', { details: 'Object of type ValueError is not JSON serializable' });
  }
}
