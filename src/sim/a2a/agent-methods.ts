/**
 * Upstream's agent.* methods (a2a_protocol/services/agent_jsonrpc.py):
 * register (an AgentCard: agent_name, endpoints, authentication), get,
 * discover, unregister, ping, list. Results have upstream's fields, and its
 * errors: a handler ValueError is -32603 with the message in data.details.
 * agent.ping with `{}` or no params is -32603 upstream (its error path reads a
 * variable it never set); the sim answers the same text.
 */

import { randomUUID } from 'node:crypto';
import { method, type MethodSpec, type Params, type SimContext } from '../sim-context.ts';
import { internal } from './faults.ts';
import { pyIsoNow, pydanticIso } from './py-format.ts';

const ENDPOINT_TYPES = ['http', 'https', 'websocket', 'wss'];
const AUTH_TYPES = ['none', 'bearer_token', 'jwt', 'api_key', 'oauth2', 'mtls'];
const UNBOUND_AGENT_ID = "cannot access local variable 'agent_id' where it is not associated with a value";

function isObject(v: unknown): v is Params {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** pydantic's summary line for a card that fails validation (the detail text is compared by type only). */
function cardInvalid(field: string, kind: string): never {
  throw internal(`Agent card validation failed: 1 validation error for AgentCard\n${field}\n  ${kind}`);
}

function normaliseCard(raw: Params): Record<string, unknown> {
  if (typeof raw['agent_name'] !== 'string') cardInvalid('agent_name', 'Field required [type=missing]');
  const endpoints = raw['endpoints'];
  if (!Array.isArray(endpoints)) cardInvalid('endpoints', 'Field required [type=missing]');
  if (endpoints.length === 0) cardInvalid('endpoints', 'List should have at least 1 item after validation, not 0 [type=too_short]');
  const auth = raw['authentication'];
  if (!isObject(auth)) cardInvalid('authentication', 'Field required [type=missing]');
  if (!AUTH_TYPES.includes(auth['type'] as string)) cardInvalid('authentication.type', 'Input should be a valid enumeration member [type=enum]');
  const eps = endpoints.map((e, i) => {
    if (!isObject(e) || typeof e['url'] !== 'string') cardInvalid(`endpoints.${i}.url`, 'Field required [type=missing]');
    if (!ENDPOINT_TYPES.includes(e['type'] as string)) cardInvalid(`endpoints.${i}.type`, 'Input should be a valid enumeration member [type=enum]');
    return { url: e['url'], type: e['type'], protocols: e['protocols'] ?? ['jsonrpc-2.0'], description: e['description'] ?? null, health_check_path: e['health_check_path'] ?? '/health' };
  });
  const caps = Array.isArray(raw['capabilities']) ? raw['capabilities'] : [];
  return {
    schema_version: '0.2',
    agent_id: typeof raw['agent_id'] === 'string' ? raw['agent_id'] : randomUUID(),
    agent_name: raw['agent_name'],
    agent_version: raw['agent_version'] ?? '1.0.0',
    status: raw['status'] ?? 'active',
    description: raw['description'] ?? null,
    endpoints: eps,
    capabilities: caps.map((c) => {
      const o = isObject(c) ? c : { name: String(c) };
      return { name: o['name'], version: o['version'] ?? '1.0.0', description: o['description'] ?? null, input_schema: null, output_schema: null, parameters: o['parameters'] ?? {}, cost_per_request: null, avg_latency_ms: null, quality_score: null };
    }),
    requirements: raw['requirements'] ?? null,
    authentication: { type: auth['type'], config: auth['config'] ?? {}, required: auth['required'] ?? true },
    metadata: raw['metadata'] ?? null,
    system_context: null,
    interaction_examples: null,
    supports_bounded_reasoning: false,
    reasoning_config: null,
  };
}

function register(p: Params, sim: SimContext): unknown {
  if (Object.keys(p).length === 0) throw internal('Parameters required: agent_card and optional override_existing');
  const raw = p['agent_card'];
  if (!isObject(raw) || Object.keys(raw).length === 0) throw internal('Missing required parameter: agent_card');
  const card = normaliseCard(raw);
  const agentId = card['agent_id'] as string;
  const existing = sim.a2a.agents.get(agentId);
  if (existing !== undefined && p['override_existing'] !== true) {
    throw internal(`Agent ${agentId} already registered. Use override_existing=true to update.`);
  }
  const nowMs = Date.now();
  sim.a2a.agents.set(agentId, { card, createdMs: existing?.createdMs ?? nowMs, lastSeenMs: nowMs, updatedMs: nowMs });
  return { agent_id: agentId, status: 'registered', discovery_url: `/.well-known/agents/${agentId}`, message: 'Agent registered successfully' };
}

function requireAgentId(p: Params, what: string): string {
  if (Object.keys(p).length === 0) throw internal(UNBOUND_AGENT_ID);
  const id = p['agent_id'];
  if (typeof id !== 'string' || id === '') throw internal(`Missing required parameter: ${what}`);
  return id;
}

function get(p: Params, sim: SimContext): unknown {
  const e = sim.a2a.agents.get(requireAgentId(p, 'agent_id'));
  if (e === undefined) return { agent: null };
  return { agent: { ...e.card, created_at: pydanticIso(e.createdMs), updated_at: pydanticIso(e.updatedMs), last_seen: pydanticIso(e.lastSeenMs) } };
}

function ping(p: Params, sim: SimContext): unknown {
  const e = sim.a2a.agents.get(requireAgentId(p, 'agent_id'));
  if (e !== undefined) e.lastSeenMs = e.updatedMs = Date.now();
  return { success: e !== undefined, message: e !== undefined ? 'Agent pinged successfully' : 'Agent not found', timestamp: pyIsoNow(true) };
}

function unregister(p: Params, sim: SimContext): unknown {
  const ok = sim.a2a.agents.delete(requireAgentId(p, 'agent_id'));
  return { success: ok, message: ok ? 'Agent unregistered successfully' : 'Agent not found' };
}

function summary(e: { card: Record<string, unknown>; createdMs: number; lastSeenMs: number }): unknown {
  const c = e.card;
  return {
    agent_id: c['agent_id'], agent_name: c['agent_name'], agent_version: c['agent_version'], status: c['status'], description: c['description'],
    capabilities: (c['capabilities'] as { name: string }[]).map((x) => x.name), reasoning_strategies: [],
    primary_endpoint: (c['endpoints'] as { url: string }[])[0]?.url ?? null,
    last_seen: pyIsoNow(true, e.lastSeenMs), created_at: pyIsoNow(true, e.createdMs), supports_bounded_reasoning: false,
  };
}

function discover(p: Params, sim: SimContext): unknown {
  const caps = Array.isArray(p['capabilities']) ? (p['capabilities'] as string[]) : null;
  const status = typeof p['status'] === 'string' ? p['status'] : null;
  const limit = typeof p['limit'] === 'number' ? p['limit'] : 50;
  const offset = typeof p['offset'] === 'number' ? p['offset'] : 0;
  const matching = [...sim.a2a.agents.values()].filter((e) => {
    const names = (e.card['capabilities'] as { name: string }[]).map((x) => x.name);
    return (caps === null || caps.every((c) => names.includes(c))) && (status === null || e.card['status'] === status);
  });
  const agents = matching.slice(offset, offset + limit).map(summary);
  const query = {
    capabilities: caps, status, tags: p['tags'] ?? null, category: p['category'] ?? null, name_pattern: p['name_pattern'] ?? null,
    reasoning_strategies: p['reasoning_strategies'] ?? null, has_bounded_reasoning: p['has_bounded_reasoning'] ?? null, limit, offset,
  };
  return { agents, total_count: matching.length, has_more: offset + limit < matching.length, query, count: matching.length };
}

function list(_p: Params, sim: SimContext): unknown {
  const agents = [...sim.a2a.agents.values()].map(summary);
  return { agents, count: agents.length };
}

/** The agent.* methods as upstream serves them. */
export const A2A_AGENT_METHODS: readonly MethodSpec[] = [
  method('agent.register', register, { needsAuth: true }),
  method('agent.get', get),
  method('agent.discover', discover),
  method('agent.unregister', unregister),
  method('agent.ping', ping),
  method('agent.list', list),
];
