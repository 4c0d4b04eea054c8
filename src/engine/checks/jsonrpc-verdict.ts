/**
 * Classifies one JSON-RPC call's answer as ok, an expected outcome, or
 * failed with a reason. A JSON-RPC error inside an HTTP 200 is a failure
 * unless the plan names its code as expected: counting every 200 as success
 * is how load tools report 0 % errors while every tool call failed.
 *
 * Shared by every engine that sends JSON-RPC (tool-rpc's `call`/`batch`, the
 * http engine's JSON-RPC bodies) through this file, since engines never import
 * each other: the same answer gets the same verdict whichever step sent it.
 *
 * Order, first match wins:
 *   1. HTTP status named in outcomes (429 → rate_limited)      expected
 *   2. body is not JSON                                         http_<status> if ≥ 400, else rpc_not_json
 *   3. not a JSON-RPC 2.0 response (jsonrpc, exactly one of
 *      result / error with an integer code)                    rpc_invalid_envelope
 *   4. id is not the one sent (single call)                     rpc_id_mismatch
 *   5. error code named in outcomes (-32005 → quota_exceeded)  expected
 *   6. status ≥ 400 not listed in expect.status                 http_<status>
 *   7. status not listed in expect.status                       expect_status
 *   8. error (unless expect.status lists this 4xx/5xx)          rpc_<code>
 *   9. expect / capture                                         expect_json, capture, …
 *  10. otherwise                                                ok
 * Pure apart from writing captures into `vars`; never throws on bad input.
 * Allocates nothing: the caller owns one Verdict and reuses it.
 */
import type { FailureDetail, OutcomeRules, RpcErrorDetail, ResponseChecks, ResponseView, VuVars } from '../contracts.ts';

/** What classification reads of a call: its checks and its expected outcomes (a tool-rpc call, an http step). */
export interface RpcRules {
  readonly checks: ResponseChecks | null;
  readonly outcomes: OutcomeRules;
}

/** Defaults of JSON-RPC steps: HTTP 429 or JSON-RPC -32001 → rate_limited; -32005 → quota_exceeded. */
export const DEFAULT_RPC_OUTCOMES: OutcomeRules = Object.freeze({
  byStatus: new Map([[429, 'rate_limited']]),
  byRpcCode: new Map([[-32001, 'rate_limited'], [-32005, 'quota_exceeded']]),
});

/** What a classification produced; one mutable instance per session, reused. */
export class Verdict {
  /** 0 ok, 1 expected outcome, 2 failed. */
  kind: 0 | 1 | 2 = 0;
  /** The expected outcome's name or the failure reason ('' when ok). */
  name = '';
  /** The JSON-RPC error code, or 0 when the answer had none. */
  rpcCode = 0;
  /** What a failure's sample message is made from (the JSON-RPC error object), when there is one. */
  detail: FailureDetail | undefined = undefined;

  ok(): void {
    this.kind = 0;
    this.name = '';
  }

  expect(name: string): void {
    this.kind = 1;
    this.name = name;
  }

  fail(reason: string, detail?: FailureDetail): void {
    this.kind = 2;
    this.name = reason;
    this.detail = detail;
  }
}

/** Verdict kinds, named. */
export const OK = 0;
export const EXPECTED = 1;
export const FAILED = 2;

/**
 * The view checks run on. classifyMessage sets `message` to the one call's
 * answer before running them; a view may return it from json() (tool-rpc, so a
 * batch call's checks see its own answer) or return the whole body (http).
 */
export interface CallView extends ResponseView {
  message: unknown;
}

function isEnvelope(m: unknown): m is Record<string, unknown> {
  if (m === null || typeof m !== 'object' || Array.isArray(m)) return false;
  const r = m as Record<string, unknown>;
  if (r.jsonrpc !== '2.0') return false;
  const hasResult = 'result' in r;
  const hasError = 'error' in r;
  if (hasResult === hasError) return false;
  if (!hasError) return true;
  const e = r.error as Record<string, unknown> | null;
  return e !== null && typeof e === 'object' && Number.isInteger(e.code) && typeof e.message === 'string';
}

/**
 * Step 1–2 for a whole HTTP response: returns true (and fills `out`) when the
 * status or an unreadable body already decides every call of the request.
 */
export function classifyTransport(call: RpcRules, status: number, doc: unknown, out: Verdict): boolean {
  out.rpcCode = 0;
  const byStatus = call.outcomes.byStatus.get(status);
  if (byStatus !== undefined) {
    out.expect(byStatus);
    return true;
  }
  if (doc === undefined) {
    out.fail(status >= 400 ? `http_${status}` : 'rpc_not_json');
    return true;
  }
  return false;
}

/**
 * Steps 3–10 for one call's answer `msg`. `sentId` is the id to check
 * (single calls); pass undefined when the answer was already matched by id.
 */
export function classifyMessage(
  call: RpcRules, msg: unknown, status: number, sentId: unknown, view: CallView, vars: VuVars, out: Verdict,
): void {
  out.rpcCode = 0;
  if (!isEnvelope(msg)) return out.fail('rpc_invalid_envelope');
  const error = msg.error as { code: number; message?: unknown; data?: unknown } | undefined;
  // A server that cannot tell which call failed (parse error, invalid request) answers with id null.
  if (sentId !== undefined && msg.id !== sentId && !(error !== undefined && msg.id === null)) return out.fail('rpc_id_mismatch');
  const checks = call.checks;
  if (error !== undefined) {
    out.rpcCode = error.code;
    const expected = call.outcomes.byRpcCode.get(error.code);
    if (expected !== undefined) return out.expect(expected);
  }
  const accepted = checks === null ? null : checks.acceptsStatus(status);
  if (accepted === false || (accepted === null && status >= 400)) return out.fail(status >= 400 ? `http_${status}` : 'expect_status');
  if (error !== undefined && !(accepted === true && status >= 400)) return out.fail(`rpc_${error.code}`, typeof error.message === 'string' ? (error as RpcErrorDetail) : undefined);
  if (checks === null) return out.ok();
  view.message = msg;
  const reason = checks.verify(view, vars);
  if (reason === null) out.ok();
  else out.fail(reason);
}

/** Steps 1–10 for a single call whose whole answer is `doc` (undefined when not JSON). */
export function classifySingle(call: RpcRules, doc: unknown, status: number, sentId: unknown, view: CallView, vars: VuVars, out: Verdict): void {
  if (!classifyTransport(call, status, doc, out)) classifyMessage(call, doc, status, sentId, view, vars, out);
}

/**
 * Steps 1–10 for one call of a batch: `doc` is the whole answer, `answerIndex`
 * the index of this call's answer in it (from matchBatch), or -1 when none carried its id.
 */
export function classifyBatchCall(call: RpcRules, doc: unknown, status: number, answerIndex: number, view: CallView, vars: VuVars, out: Verdict): void {
  if (classifyTransport(call, status, doc, out)) return;
  if (!Array.isArray(doc)) {
    // One object for a whole batch can only be an error about the batch itself (parse error, invalid request).
    if (doc !== null && typeof doc === 'object' && 'error' in doc) classifyMessage(call, doc, status, undefined, view, vars, out);
    else out.fail('rpc_invalid_envelope');
  } else if (answerIndex < 0) out.fail('rpc_missing_id');
  else classifyMessage(call, doc[answerIndex], status, undefined, view, vars, out);
}

/**
 * Pairs a batch's answers with its calls by id: `match[i]` becomes the index
 * in `answers` of call i's answer, or -1. Returns how many answers matched no
 * call (foreign or duplicate ids). Linear scans: batches are small.
 */
export function matchBatch(answers: readonly unknown[], ids: readonly unknown[], match: number[]): number {
  match.length = ids.length;
  match.fill(-1);
  let foreign = 0;
  for (let a = 0; a < answers.length; a++) {
    const m = answers[a];
    const id = m !== null && typeof m === 'object' ? (m as { id?: unknown }).id : undefined;
    let i = 0;
    while (i < ids.length && (ids[i] !== id || match[i] !== -1)) i++;
    if (i < ids.length) match[i] = a;
    else foreign++;
  }
  return foreign;
}
