/**
 * Agent methods: agent.register, agent.unregister, agent.ping,
 * agent.discover and route.message, with AgentCore's parameter shapes
 * (`{agent_card: {agent_id, name, capabilities}}` for registration; a flat
 * object is accepted too).
 */

import { randomUUID } from 'node:crypto';
import { RawJson } from '../jsonrpc-protocol.ts';
import { method, type MethodSpec, type Params, type SimContext } from '../sim-context.ts';
import { optionalLimit, optionalObject, optionalString, optionalStringList, requireString } from './params.ts';

/** agent.ping's answer never changes, so it is serialised once and only the id is spliced per call. */
const PING_RESULT = new RawJson({ success: true, status: 'alive' });

function register(p: Params, sim: SimContext): unknown {
  const card = optionalObject(p, 'agent_card') ?? p;
  const agentId = optionalString(card, 'agent_id', '') || `agent-${randomUUID()}`;
  sim.agents.register({
    agent_id: agentId,
    name: optionalString(card, 'name', agentId),
    capabilities: optionalStringList(card, 'capabilities'),
    registered_at: new Date().toISOString(),
  });
  return { success: true, agent_id: agentId, message: 'agent registered' };
}

function unregister(p: Params, sim: SimContext): unknown {
  const agentId = requireString(p, 'agent_id');
  return { success: sim.agents.unregister(agentId), agent_id: agentId };
}

function ping(): unknown {
  return PING_RESULT;
}

function discover(p: Params, sim: SimContext): unknown {
  const { agents, total } = sim.agents.discover(optionalStringList(p, 'capabilities'), optionalLimit(p, 'limit', 10, 100));
  return { agents, count: agents.length, total };
}

function routeMessage(p: Params, sim: SimContext): unknown {
  const envelope = optionalObject(p, 'envelope') ?? {};
  const messageId = optionalString(envelope, 'message_id', '') || `msg-${randomUUID()}`;
  const recipient = optionalString(envelope, 'recipient_id', 'any');
  let routedTo: string | null = null;
  if (recipient !== 'any' && sim.agents.get(recipient) !== undefined) routedTo = recipient;
  else routedTo = sim.agents.discover(optionalStringList(p, 'required_capabilities'), 1).agents[0]?.agent_id ?? null;
  return { success: true, message_id: messageId, routed_to: routedTo, status: routedTo === null ? 'queued' : 'routed' };
}

/** The agent methods, registered by the router. */
export const AGENT_METHODS: readonly MethodSpec[] = [
  method('agent.register', register, { needsAuth: true }),
  method('agent.unregister', unregister),
  method('agent.ping', ping),
  method('agent.discover', discover),
  method('route.message', routeMessage),
];
