/**
 * The A2A context of the call being handled (upstream's `a2a_context`, a
 * sibling of `params`). The router sets it just before it calls a handler and
 * handlers read it synchronously, so one slot per request is enough.
 */

import type { IncomingMessage } from 'node:http';

const SOURCE_AGENT = new WeakMap<IncomingMessage, string>();

/** Records the call's a2a_context.source_agent (or forgets it when absent). Called by the router. */
export function setSourceAgent(req: IncomingMessage, a2aContext: unknown): void {
  const source = typeof a2aContext === 'object' && a2aContext !== null ? (a2aContext as { source_agent?: unknown }).source_agent : undefined;
  if (typeof source === 'string' && source.length > 0) SOURCE_AGENT.set(req, source);
  else SOURCE_AGENT.delete(req);
}

/** The current call's a2a_context.source_agent, or null. upstream uses it when agent_id is absent. */
export function sourceAgent(req: IncomingMessage): string | null {
  return SOURCE_AGENT.get(req) ?? null;
}
