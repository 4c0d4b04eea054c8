/**
 * Recognises an http step whose `json` body is a JSON-RPC 2.0 request, so its
 * answer is classified as a tool-rpc call's is (src/engine/checks/jsonrpc-verdict.ts)
 * instead of by HTTP status alone: gateways answer JSON-RPC errors with a 200.
 *
 *   json: { jsonrpc: "2.0", method: agent.ping, id: 1 }       RPC_SINGLE
 *   json: [ { jsonrpc: "2.0", method: a, id: 1 }, { … } ]     RPC_BATCH (every element a request)
 *   json: { jsonrpc: "2.0", id: "{{uuid}}", method: … }       RPC_SINGLE (templated values, literal keys)
 *   json: "{{ body }}", json: { method: x }, jsonrpc: false   RPC_NONE
 *
 * Decided once, at compile time, from the step's json as written. The ids a
 * request carries are read from the body as sent: at compile time for a static
 * body, from each rendered body otherwise. A request without `id` is a
 * notification, which gets no answer; a step of notifications only is plain HTTP.
 */

/** Not a JSON-RPC body: classified by HTTP status and checks only. */
export const RPC_NONE = 0;
/** One JSON-RPC request. */
export const RPC_SINGLE = 1;
/** A batch: an array of JSON-RPC requests. */
export const RPC_BATCH = 2;

/** No ids (not JSON-RPC, or notifications only). */
export const NO_RPC_IDS: readonly unknown[] = Object.freeze([]);

function isRequest(v: unknown): boolean {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const r = v as Record<string, unknown>;
  return r.jsonrpc === '2.0' && typeof r.method === 'string' && r.method !== '';
}

/** RPC_NONE, RPC_SINGLE or RPC_BATCH for a step's `json` as written. Pure; called by compileHttpStep. */
export function rpcKindOf(json: unknown): number {
  if (isRequest(json)) return RPC_SINGLE;
  if (Array.isArray(json) && json.length > 0 && json.every(isRequest)) return RPC_BATCH;
  return RPC_NONE;
}

/**
 * The ids of the request(s) in a body as sent, notifications left out, in
 * order. Allocates one small array: called once per static step at compile
 * time, and per request only for templated bodies (which render anyway).
 */
export function rpcIdsOf(doc: unknown, kind: number): readonly unknown[] {
  if (kind === RPC_SINGLE) return doc !== null && typeof doc === 'object' && 'id' in doc ? [doc.id] : NO_RPC_IDS;
  if (kind !== RPC_BATCH || !Array.isArray(doc)) return NO_RPC_IDS;
  const ids: unknown[] = [];
  for (const m of doc) if (m !== null && typeof m === 'object' && 'id' in m) ids.push((m as { id: unknown }).id);
  return ids;
}
