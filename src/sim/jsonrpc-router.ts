/**
 * Routes a POST /api/v1/jsonrpc body to methods, per JSON-RPC 2.0: single
 * calls, batches (arrays), notifications (no id → no response), plus the
 * gateway's cross-cutting rules in this order: auth, rate limit, method.
 *
 * HTTP statuses: 400 for a parse error or an invalid single request, 401
 * for a missing bearer token on a method that needs one (auth on), 429 for a
 * rate-limited non-tool call, 204 when nothing is to be answered, and 200
 * for everything else, including JSON-RPC errors such as -32601 and -32001.
 */

import type { IncomingMessage } from 'node:http';
import { errorBody, errorReply, resultBody, RPC, RpcFault, RpcReply, toResultJson } from './jsonrpc-protocol.ts';
import { AGENT_METHODS } from './methods/seed-agents.ts';
import { SOLVE_METHODS } from './methods/modular-solve.ts';
import { bearerToken, clientKey } from './methods/params.ts';
import { TASK_METHODS } from './methods/seed-tasks.ts';
import { TOOL_METHODS } from './methods/seed-tools.ts';
import type { MethodSpec, Params, SimContext } from './sim-context.ts';

/** Every method the sim serves, by name. */
export const METHODS: ReadonlyMap<string, MethodSpec> = new Map(
  [...AGENT_METHODS, ...TASK_METHODS, ...TOOL_METHODS, ...SOLVE_METHODS].map((m) => [m.name, m]),
);

const EMPTY_PARAMS: Params = Object.freeze({});
const NO_CONTENT = new RpcReply(204, null, 0, 'notification', '204');
const PARSE_ERROR = new RpcReply(400, errorBody('null', RPC.PARSE_ERROR, 'parse error'), 0, 'parse_error', '400');
const EMPTY_BATCH = new RpcReply(400, errorBody('null', RPC.INVALID_REQUEST, 'invalid request: empty batch'), 0, 'batch', '400');
const INTERNAL = new RpcFault(RPC.INTERNAL_ERROR, 'internal error');

function invalidRequest(idJson: string, why: string, isInBatch: boolean): RpcReply {
  return errorReply(isInBatch ? 200 : 400, idJson, 'invalid', new RpcFault(RPC.INVALID_REQUEST, `invalid request: ${why}`));
}

function faultReply(err: unknown, idJson: string | null, label: string): RpcReply {
  if (idJson === null) return NO_CONTENT;
  if (err instanceof RpcFault) return errorReply(200, idJson, label, err);
  // Anything but an RpcFault is a bug in the sim: answer 500 so it is seen, never silently 200.
  return errorReply(500, idJson, label, INTERNAL);
}

function success(value: unknown, idJson: string | null, label: string): RpcReply {
  if (idJson === null) return NO_CONTENT;
  return new RpcReply(200, resultBody(idJson, toResultJson(value)), 0, label, '200');
}

/**
 * The sim's token-bucket extension (config.rateLimit; off by default): null when
 * the call may proceed, else the 429 (or, for tool calls, 200 + -32001) reply.
 * Shared by both routers.
 */
export function rateLimited(sim: SimContext, spec: MethodSpec, idJson: string, req: IncomingMessage, params: Params): RpcReply | null {
  const limiter = sim.limiter;
  if (limiter === null || spec.isRateExempt) return null;
  let key = clientKey(req, params);
  if (key === null) {
    if (!limiter.isAnonymousLimited) return null;
    key = 'addr:' + (req.socket.remoteAddress ?? '');
  }
  const retryAfterSec = limiter.take(key, performance.now());
  if (retryAfterSec === 0) return null;
  const fault = new RpcFault(RPC.RATE_LIMITED, 'rate limit exceeded', { retry_after: retryAfterSec });
  return errorReply(spec.isToolCall ? 200 : 429, idJson, spec.name, fault, retryAfterSec);
}

/** Runs one call object (from a single request or a batch entry). Returns a reply or a Promise of one; never rejects. */
function runCall(sim: SimContext, req: IncomingMessage, call: unknown, isInBatch: boolean): RpcReply | Promise<RpcReply> {
  if (typeof call !== 'object' || call === null || Array.isArray(call)) return invalidRequest('null', 'expected an object', isInBatch);
  const msg = call as Record<string, unknown>;
  const id = msg['id'];
  const hasId = id !== undefined;
  if (hasId && id !== null && typeof id !== 'string' && typeof id !== 'number') {
    return invalidRequest('null', 'id must be a string, a number or null', isInBatch);
  }
  const idJson = hasId ? JSON.stringify(id) : 'null';
  if (msg['jsonrpc'] !== '2.0') return invalidRequest(idJson, 'jsonrpc must be "2.0"', isInBatch);
  const name = msg['method'];
  if (typeof name !== 'string') return invalidRequest(idJson, 'method must be a string', isInBatch);
  const replyId = hasId ? idJson : null;
  const spec = METHODS.get(name);
  if (spec === undefined) {
    return faultReply(new RpcFault(RPC.METHOD_NOT_FOUND, `method not found: ${name.slice(0, 100)}`), replyId, 'unknown');
  }
  const raw = msg['params'];
  if (raw !== undefined && (typeof raw !== 'object' || raw === null || Array.isArray(raw))) {
    return faultReply(new RpcFault(RPC.INVALID_PARAMS, 'invalid params: expected an object of named params'), replyId, spec.name);
  }
  const params = raw === undefined ? EMPTY_PARAMS : (raw as Params);
  if (spec.needsAuth && sim.config.auth && bearerToken(req) === null) {
    const fault = new RpcFault(RPC.UNAUTHORIZED, 'unauthorized: missing Authorization: Bearer token');
    return errorReply(isInBatch ? 200 : 401, idJson, spec.name, fault);
  }
  const limited = rateLimited(sim, spec, idJson, req, params);
  if (limited !== null) return limited;
  let value: unknown;
  try {
    value = spec.handler(params, sim, req);
  } catch (err) {
    return faultReply(err, replyId, spec.name);
  }
  if (value instanceof Promise) {
    return value.then((v) => success(v, replyId, spec.name), (err: unknown) => faultReply(err, replyId, spec.name));
  }
  return success(value, replyId, spec.name);
}

function combineBatch(replies: readonly RpcReply[]): RpcReply {
  let body = '';
  let retryAfterSec = 0;
  for (const r of replies) {
    if (r.body === null) continue;
    body += (body === '' ? '[' : ',') + (typeof r.body === 'string' ? r.body : r.body.toString('utf8'));
    if (r.retryAfterSec > retryAfterSec) retryAfterSec = r.retryAfterSec;
  }
  // Per the spec, a batch of only notifications gets no response at all.
  if (body === '') return NO_CONTENT;
  return new RpcReply(200, body + ']', retryAfterSec, 'batch', '200');
}

/**
 * Answers one HTTP request body. Never throws and never rejects: every
 * outcome, including bugs in a method, becomes a reply. Called once per POST.
 */
export function routeRpc(sim: SimContext, req: IncomingMessage, body: Buffer): RpcReply | Promise<RpcReply> {
  let msg: unknown;
  try {
    msg = JSON.parse(body.toString('utf8'));
  } catch {
    return PARSE_ERROR;
  }
  if (!Array.isArray(msg)) return runCall(sim, req, msg, false);
  if (msg.length === 0) return EMPTY_BATCH;
  const replies = msg.map((call) => runCall(sim, req, call, true));
  if (!replies.some((r) => r instanceof Promise)) return combineBatch(replies as RpcReply[]);
  // A batch mixes sync replies and promises on purpose (no promise for a sync call); typescript-eslint#11694 reports that.
  // eslint-disable-next-line @typescript-eslint/await-thenable
  return Promise.all(replies).then(combineBatch);
}
