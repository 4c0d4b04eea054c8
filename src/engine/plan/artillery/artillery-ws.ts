/**
 * Artillery's ws request-response steps as agentload's ws steps, before the
 * flow rewrite reads them (artillery-flow.ts calls it for ws scenarios):
 *
 *   send: {payload, capture, match}   →   send: payload, then waitFor: {capture, expect}
 *   send: {capture, match}            →   waitFor: {capture, expect}     (Artillery only waits)
 *   wait: {capture, match}            →   waitFor: {capture, expect}
 *
 * Artillery waits for the next message after the send, captures from it and
 * compares `match: {json, value}` (one or a list); agentload's waitFor takes
 * the next message the same way, its `capture` has the same form, and a
 * match becomes an `expect.json` equality check (a mismatch fails the step as
 * `expect_json`). Any failure of such a step (mismatch, capture that finds
 * nothing, no message in time) ends the user's scenario, as in Artillery:
 * the waitFor gets `onFailure: endScenario`.
 *
 * A send that becomes two steps moves the steps after it one place on: their
 * positions are aliased back to where the file has them.
 */
/** A path into the plan (artillery-flow.ts's Segs; declared here so the two modules do not import each other). */
type Segs = Array<string | number>;

/** What the expansion needs from the flow rewrite. */
export interface WsExpandContext {
  alias(to: Segs, from: Segs): void;
  unsupported(message: string, path: Segs, isKey?: boolean): void;
}

/** Expands the steps of one list in place (see the module comment). */
export function expandWsExchanges(steps: unknown[], base: Segs, ctx: WsExpandContext): void {
  const out: unknown[] = [];
  steps.forEach((step, i) => {
    const at = [...base, i];
    const key = isRecord(step) ? exchangeKey(step) : null;
    if (key === null) {
      if (out.length !== i) ctx.alias([...base, out.length], at);
      out.push(step);
      return;
    }
    const spec = (step as Record<string, unknown>)[key] as Record<string, unknown>;
    if (key === 'send' && spec.payload !== undefined) {
      if (out.length !== i) ctx.alias([...base, out.length], at);
      out.push({ send: spec.payload });
      ctx.alias([...base, out.length - 1, 'send'], [...at, 'send', 'payload']);
    }
    const waitFor: Record<string, unknown> = { onFailure: 'endScenario' };
    if (spec.capture !== undefined) waitFor.capture = spec.capture;
    if (spec.match !== undefined) waitFor.expect = { json: matchChecks(spec.match, [...at, key, 'match'], ctx) };
    for (const k of Object.keys(spec)) {
      if (k !== 'payload' && k !== 'capture' && k !== 'match') ctx.unsupported(`ws ${key} "${k}" is not supported yet; use payload, capture and match`, [...at, key, k], true);
    }
    const n = out.length;
    out.push({ waitFor });
    ctx.alias([...base, n, 'waitFor', 'capture'], [...at, key, 'capture']);
    ctx.alias([...base, n, 'waitFor', 'expect'], [...at, key, 'match']);
    ctx.alias([...base, n, 'waitFor'], [...at, key]);
    ctx.alias([...base, n], at);
  });
  steps.length = 0;
  steps.push(...out);
}

/** `send` with a capture or match, or `wait`: the key of a request-response step; null for any other step. */
function exchangeKey(step: Record<string, unknown>): 'send' | 'wait' | null {
  if (isRecord(step.wait)) return 'wait';
  const send = step.send;
  return isRecord(send) && ('capture' in send || 'match' in send) ? 'send' : null;
}

/** Artillery's `match: {json, value}` (or a list) as expect.json equality checks. */
function matchChecks(match: unknown, at: Segs, ctx: WsExpandContext): unknown[] {
  const list = Array.isArray(match) ? match : [match];
  return list.flatMap((m, i) => {
    if (isRecord(m) && typeof m.json === 'string') return [{ path: m.json, equals: m.value }];
    ctx.unsupported('a ws match takes {json: "$.path", value: …}', Array.isArray(match) ? [...at, i] : at);
    return [];
  });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
