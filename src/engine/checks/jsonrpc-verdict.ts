/**
 * Classifies one JSON-RPC call's answer as ok, an expected outcome, or
 * failed with a reason. A JSON-RPC error inside an HTTP 200 is a failure
 * unless the plan names its code as expected: counting every 200 as success
 * is how load tools report 0 % errors while every tool call failed.
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
 */
import type { ResponseView, VuVars } from '../../engine/contracts.ts';
import type { RpcCall } from './rpc-step.ts';

/** What a classification produced; one mutable instance per session, reused. */
export class Verdict {
  /** 0 ok, 1 expected outcome, 2 failed. */
  kind: 0 | 1 | 2 = 0;
  /** The expected outcome's name or the failure reason ('' when ok). */
  name = '';
  /** The JSON-RPC error code, or 0 when the answer had none. */
  rpcCode = 0;

  ok(): void {
    this.kind = 0;
    this.name = '';
  }

  expect(name: string): void {
    this.kind = 1;
    this.name = name;
  }

  fail(reason: string): void {
    this.kind = 2;
    this.name = reason;
  }
}

/** Verdict kinds, named. */
export const OK = 0;
export const EXPECTED = 1;
export const FAILED = 2;

/** A ResponseView whose json() is the one call's answer, not the whole (batch) body. */
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
export function classifyTransport(call: RpcCall, status: number, doc: unknown, out: Verdict): boolean {
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
  call: RpcCall, msg: unknown, status: number, sentId: number | string | undefined, view: CallView, vars: VuVars, out: Verdict,
): void {
  out.rpcCode = 0;
  if (!isEnvelope(msg)) return out.fail('rpc_invalid_envelope');
  const error = msg.error as { code: number } | undefined;
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
  if (error !== undefined && !(accepted === true && status >= 400)) return out.fail(`rpc_${error.code}`);
  if (checks === null) return out.ok();
  view.message = msg;
  const reason = checks.verify(view, vars);
  if (reason === null) out.ok();
  else out.fail(reason);
}

/**
 * Pairs a batch's answers with its calls by id: `match[i]` becomes the index
 * in `answers` of call i's answer, or -1. Returns how many answers matched no
 * call (foreign or duplicate ids). Linear scans: batches are small.
 */
export function matchBatch(answers: readonly unknown[], ids: readonly (number | string)[], match: number[]): number {
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
