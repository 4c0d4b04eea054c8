/**
 * Upstream's route.message (a2a_protocol/services/routing_jsonrpc.py with
 * message_router.route_message) and health.get_stats (health_jsonrpc.py), the
 * two the seed's Locust files call besides agent.*, task.* and tools.*.
 *
 * route.message, as upstream behaves at the recorded snapshot:
 *   envelope.destination set → delivered when that agent is registered and
 *     active (selected_agent = destination), else queued (selected_agent null, queued true);
 *   no destination, required_capabilities given → -32603: the router calls
 *     agent_manager.discover_agents_by_capabilities, which does not exist upstream;
 *   no destination, no capabilities → the first active agent, or -32603
 *     "No agents available …" when none is registered.
 * An envelope that fails MessageEnvelope validation (timestamp, source and a
 * JSON-RPC payload are required) is -32600 with validation_errors.
 *
 * health.get_stats answers the health monitor's counters; the sim runs no
 * monitor, so they stay at upstream's idle values.
 */

import { RawJson } from '../jsonrpc-protocol.ts';
import { method, type MethodSpec, type Params, type SimContext } from '../sim-context.ts';
import { internal, invalidRequest, missingField, type ValidationIssue } from './faults.ts';
import { pyRepr } from './py-format.ts';

const STRATEGIES = ['round_robin', 'least_loaded', 'random', 'capability_match', 'semantic_match', 'cost_optimized', 'ripple_coordination'];
const PRIORITIES = ['low', 'normal', 'high', 'critical'];

function isObject(v: unknown): v is Params {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** MessageEnvelope's required fields; the payload union is reduced to "a JSON-RPC request or response". */
function envelopeIssues(env: Params): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (typeof env['timestamp'] !== 'string') issues.push(missingField('timestamp', env));
  if (typeof env['source'] !== 'string') issues.push(missingField('source', env));
  const payload = env['payload'];
  if (payload === undefined) issues.push(missingField('payload', env));
  else if (!isObject(payload) || !('method' in payload || 'result' in payload || 'error' in payload)) {
    issues.push({ ...missingField('method', payload), loc: ['payload', 'JsonRpcRequest', 'method'] });
  }
  return issues;
}

function isActive(sim: SimContext, agentId: string): boolean {
  const e = sim.a2a.agents.get(agentId);
  return e !== undefined && (e.card['status'] ?? 'active') === 'active';
}

function routeMessage(p: Params, sim: SimContext): unknown {
  if (Object.keys(p).length === 0) throw internal('Parameters required: envelope');
  const env = p['envelope'];
  if (!isObject(env) || Object.keys(env).length === 0) throw internal('Missing required parameter: envelope');
  const issues = envelopeIssues(env);
  if (issues.length > 0) throw invalidRequest(issues);
  const strategy = p['strategy'] ?? 'capability_match';
  if (!STRATEGIES.includes(strategy as string)) throw internal(`${pyRepr(strategy)} is not a valid RoutingStrategy`); // Python's Enum: "%r is not a valid %s"
  const priority = p['priority'] ?? 'normal';
  if (!PRIORITIES.includes(priority as string)) throw internal(`${pyRepr(priority)} is not a valid MessagePriority`);
  const messageId = typeof env['message_id'] === 'string' ? env['message_id'] : crypto.randomUUID();
  const destination = env['destination'];
  let selected: string | null;
  if (typeof destination === 'string' && destination !== '') {
    selected = isActive(sim, destination) ? destination : null;
  } else if (Array.isArray(p['required_capabilities']) && p['required_capabilities'].length > 0) {
    throw internal("'AgentManager' object has no attribute 'discover_agents_by_capabilities'");
  } else {
    selected = [...sim.a2a.agents.keys()].find((id) => isActive(sim, id)) ?? null;
    if (selected === null) throw internal(`No agents available with required capabilities: ${p['required_capabilities'] === undefined ? 'None' : '[]'}`);
  }
  return { success: true, message_id: messageId, selected_agent: selected, strategy, queued: selected === null };
}

// Pre-serialised: Python writes the float average as 0.0, which JSON.stringify would shorten to 0.
const IDLE_STATS = RawJson.fromText(
  '{"success":true,"stats":{"total_checks":0,"healthy_agents":0,"unhealthy_agents":0,"checks_failed":0,' +
    '"avg_response_time_ms":0.0,"failure_threshold":3,"check_interval_seconds":60}}',
);

function healthStats(): unknown {
  return IDLE_STATS;
}

/** route.message and health.get_stats as upstream serves them. */
export const A2A_ROUTE_HEALTH_METHODS: readonly MethodSpec[] = [
  method('route.message', routeMessage),
  method('health.get_stats', healthStats),
];
