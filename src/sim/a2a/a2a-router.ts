/**
 * POST /api/v1/jsonrpc as upstream's A2A service answers it (FastAPI route
 * typed `dict | list[dict]` in front of JsonRpcProcessor):
 *
 *   body not JSON, empty, or not an object / list of objects → 422 {"detail": [...]}
 *   a call that fails JsonRpcRequest validation (no method, jsonrpc ≠ "2.0") → 200, -32600
 *   unknown method → -32601; a handler that raises → -32603 {data: {details}}
 *   no id or id null = notification → 204 when it succeeds; an error is still answered (without id)
 *   batch → array of answers (notifications left out); [] → [-32600]
 *
 * Sim extensions, off by default: `auth` (401 -32002 on agent.register
 * without a bearer token) and `rateLimit` (429 / -32001 with Retry-After).
 */

import type { IncomingMessage } from 'node:http';
import { RPC, RpcFault, RpcReply, toResultJson } from '../jsonrpc-protocol.ts';
import { rateLimited } from '../jsonrpc-router.ts';
import { bearerToken } from '../methods/params.ts';
import type { MethodSpec, Params, SimContext } from '../sim-context.ts';
import { setSourceAgent } from './call-context.ts';
import { internal, invalidRequest, methodNotFound, UnserializableValidationError, type ValidationIssue } from './faults.ts';
import { bodyIssues, unprocessable } from './fastapi-body.ts';

const NO_CONTENT = new RpcReply(204, null, 0, 'notification', '204');
const EMPTY_PARAMS: Params = Object.freeze({});

/** One call's answer before serialisation: the JSON text of a response object, or null for a notification. */
type CallAnswer = { json: string | null; label: string; code: string; status: number; retryAfterSec: number };

function answerJson(idJson: string | null, field: 'result' | 'error', valueJson: string): string {
  return '{"jsonrpc":"2.0","' + field + '":' + valueJson + (idJson === null ? '' : ',"id":' + idJson) + '}';
}

function faultJson(idJson: string | null, f: RpcFault): string {
  const error = f.data === undefined ? { code: f.code, message: f.message } : { code: f.code, message: f.message, data: f.data };
  return answerJson(idJson, 'error', JSON.stringify(error));
}

function fault(idJson: string | null, label: string, f: RpcFault, status = 200, retryAfterSec = 0): CallAnswer {
  return { json: faultJson(idJson, f), label, code: status === 200 ? String(f.code) : String(status), status, retryAfterSec };
}

/** JsonRpcRequest's pydantic checks, in field order. */
function requestIssues(msg: Params): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const url = (t: string): string => `https://errors.pydantic.dev/2.13/v/${t}`;
  if ('jsonrpc' in msg && msg['jsonrpc'] !== '2.0') {
    issues.push({ type: 'enum', loc: ['jsonrpc'], msg: "Input should be '2.0'", input: msg['jsonrpc'], ctx: { expected: "'2.0'" }, url: url('enum') });
  }
  const m = msg['method'];
  if (m === undefined) issues.push({ type: 'missing', loc: ['method'], msg: 'Field required', input: msg, url: url('missing') });
  else if (typeof m !== 'string') issues.push({ type: 'string_type', loc: ['method'], msg: 'Input should be a valid string', input: m, url: url('string_type') });
  else if (m === '') issues.push({ type: 'value_error', loc: ['method'], msg: 'Value error, Method name must be a non-empty string', input: m, url: url('value_error') });
  const p = msg['params'];
  if (p !== undefined && p !== null && typeof p !== 'object') issues.push({ type: 'dict_type', loc: ['params', 'dict[str,any]'], msg: 'Input should be a valid dictionary', input: p, url: url('dict_type') });
  const id = msg['id'];
  if (id !== undefined && id !== null && typeof id !== 'string' && !Number.isInteger(id)) {
    issues.push({ type: 'string_type', loc: ['id', 'str'], msg: 'Input should be a valid string', input: id, url: url('string_type') });
  }
  return issues;
}

function settled(spec: MethodSpec, idJson: string | null, value: unknown): CallAnswer {
  if (idJson === null) return { json: null, label: spec.name, code: '204', status: 204, retryAfterSec: 0 };
  return { json: answerJson(idJson, 'result', toResultJson(value)), label: spec.name, code: '200', status: 200, retryAfterSec: 0 };
}

function failed(spec: MethodSpec, idJson: string | null, err: unknown): CallAnswer {
  if (err instanceof UnserializableValidationError) return fault('null', spec.name, err, 500);
  return fault(idJson, spec.name, err instanceof RpcFault ? err : internal(String(err)));
}

function runHandler(sim: SimContext, req: IncomingMessage, spec: MethodSpec, msg: Params, idJson: string | null): CallAnswer | Promise<CallAnswer> {
  const raw = msg['params'];
  // upstream's handlers call params.get(...): a list of params is an AttributeError there.
  if (Array.isArray(raw) && !spec.name.startsWith('rpc.')) return fault(idJson, spec.name, internal("'list' object has no attribute 'get'"));
  const params = (raw ?? EMPTY_PARAMS) as Params;
  if (spec.needsAuth && sim.config.auth && bearerToken(req) === null) {
    return fault(idJson, spec.name, new RpcFault(RPC.UNAUTHORIZED, 'unauthorized: missing Authorization: Bearer token'), 401);
  }
  const limited = rateLimited(sim, spec, idJson ?? 'null', req, params);
  if (limited !== null) return { json: limited.body as string, label: spec.name, code: limited.code, status: limited.status, retryAfterSec: limited.retryAfterSec };
  setSourceAgent(req, msg['a2a_context']);
  let value: unknown;
  try {
    value = spec.handler(params, sim, req);
  } catch (err) {
    return failed(spec, idJson, err);
  }
  // Only extension methods (modular.solve) are asynchronous.
  if (value instanceof Promise) return value.then((v) => settled(spec, idJson, v), (err: unknown) => failed(spec, idJson, err));
  return settled(spec, idJson, value);
}

/** One call object of a single request or a batch. */
function runCall(sim: SimContext, req: IncomingMessage, msg: Params, methods: ReadonlyMap<string, MethodSpec>): CallAnswer | Promise<CallAnswer> {
  const id = msg['id'];
  const idJson = id === undefined || id === null ? null : JSON.stringify(id);
  const issues = requestIssues(msg);
  if (issues.length > 0) return fault(idJson, 'invalid', invalidRequest(issues));
  const name = msg['method'] as string;
  const spec = methods.get(name);
  if (spec === undefined) return fault(idJson, 'unknown', methodNotFound(name));
  return runHandler(sim, req, spec, msg, idJson);
}

/**
 * Answers one POST /api/v1/jsonrpc body the way upstream does. Never throws;
 * synchronous (a Promise only when an extension method such as modular.solve is async).
 */
export function routeA2a(sim: SimContext, req: IncomingMessage, body: Buffer, methods: ReadonlyMap<string, MethodSpec>): RpcReply | Promise<RpcReply> {
  const parsed = bodyIssues(body);
  if (parsed.issues !== null) return unprocessable(parsed.issues);
  const msg = parsed.value;
  if (!Array.isArray(msg)) {
    const a = runCall(sim, req, msg as Params, methods);
    return a instanceof Promise ? a.then(single) : single(a);
  }
  if (msg.length === 0) return new RpcReply(200, '[' + faultJson(null, new RpcFault(RPC.INVALID_REQUEST, 'Invalid Request')) + ']', 0, 'batch', '200');
  const answers = msg.map((m) => runCall(sim, req, m as Params, methods));
  // A batch mixes sync answers and promises on purpose (no promise for a sync call); typescript-eslint#11694 reports that.
  // eslint-disable-next-line @typescript-eslint/await-thenable
  return answers.some((a) => a instanceof Promise) ? Promise.all(answers).then(batch) : batch(answers as CallAnswer[]);
}

function single(a: CallAnswer): RpcReply {
  if (a.json === null) return NO_CONTENT;
  return new RpcReply(a.status, a.json, a.retryAfterSec, a.label, a.code);
}

function batch(answers: CallAnswer[]): RpcReply {
  // One unserialisable answer fails the whole batch's encoding upstream, as for a single call.
  const broken = answers.find((a) => a.status === 500);
  if (broken !== undefined) return single(broken);
  const parts = answers.filter((a) => a.json !== null).map((a) => a.json);
  return new RpcReply(200, '[' + parts.join(',') + ']', 0, 'batch', '200');
}
