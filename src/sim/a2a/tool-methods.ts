/**
 * Upstream's tools.* JSON-RPC methods (agent_runtime/jsonrpc/tools_jsonrpc.py):
 * tools.list, tools.get, tools.search, tools.execute, tools.execute_batch,
 * tools.execute_with_fallback and tools.get_rate_limit_status, with the same
 * params, result shapes and error texts.
 *
 * Sim extension (off by default): with `quotas` configured, each execution
 * charges its agent_id (or params.identifier) and an exhausted quota is
 * JSON-RPC -32005. Upstream declares no quota on any built-in tool, so its
 * tools.get_rate_limit_status answers rate_limit and quota null.
 */

import { RPC, RpcFault } from '../jsonrpc-protocol.ts';
import { method, type MethodSpec, type Params, type SimContext } from '../sim-context.ts';
import type { IncomingMessage } from 'node:http';
import { runTool, type ToolRun } from './builtin-tools.ts';
import { sourceAgent } from './call-context.ts';
import { internal } from './faults.ts';
import { pyRepr } from './py-format.ts';
import { UPSTREAM_TOOLS, UPSTREAM_TOOLS_BY_ID, type ToolMeta } from './tool-registry.ts';

const CATEGORIES = ['utility', 'search', 'code_execution', 'api_client', 'file_operations', 'data_processing', 'communication', 'custom'];

function str(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? v : null;
}

function listView(t: ToolMeta, withParams: boolean): unknown {
  const base = { tool_id: t.tool_id, name: t.name, description: t.description, version: t.version, category: t.category, capabilities: t.capabilities, tags: t.tags };
  if (!withParams) return base;
  return { ...base, parameters: t.parameters.map((p) => ({ name: p.name, type: p.type, description: p.description, required: p.required })) };
}

function filterTools(p: Params, nameQuery: string | null): ToolMeta[] {
  const category = str(p['category']);
  if (category !== null && !CATEGORIES.includes(category)) throw internal(`Invalid category: ${category}`);
  let tools = UPSTREAM_TOOLS.filter((t) => category === null || t.category === category);
  if (nameQuery !== null) tools = tools.filter((t) => t.name.toLowerCase().includes(nameQuery.toLowerCase()) || t.tool_id.includes(nameQuery.toLowerCase()));
  const caps = p['capabilities'];
  if (Array.isArray(caps) && caps.length > 0) tools = tools.filter((t) => caps.every((c) => t.capabilities.includes(c as string)));
  const tags = p['tags'];
  if (Array.isArray(tags) && tags.length > 0) tools = tools.filter((t) => tags.some((g) => t.tags.includes(g as string)));
  return tools;
}

function list(p: Params): unknown {
  const tools = filterTools(p, null).map((t) => listView(t, true));
  return { tools, count: tools.length };
}

function search(p: Params): unknown {
  const nameQuery = str(p['name_query']);
  const tools = filterTools(p, nameQuery).map((t) => listView(t, false));
  return {
    tools, count: tools.length,
    query: { name: p['name_query'] ?? null, category: p['category'] ?? null, capabilities: p['capabilities'] ?? null, tags: p['tags'] ?? null },
  };
}

function get(p: Params): unknown {
  const toolId = str(p['tool_id']);
  if (toolId === null) throw internal('tool_id parameter required');
  const t = UPSTREAM_TOOLS_BY_ID.get(toolId);
  if (t === undefined) throw internal(`Tool not found: ${toolId}`);
  const parameters: Record<string, unknown> = {};
  for (const q of t.parameters) parameters[q.name] = { name: q.name, type: q.type, description: q.description, required: q.required };
  return { ...(listView(t, false) as object), auth_method: t.auth_method, timeout_seconds: t.timeout_seconds, parameters };
}

/** The extension's quota charge; a no-op unless quotas are configured. */
function charge(sim: SimContext, p: Params, agentId: string): void {
  if (!sim.quotas.isEnabled) return;
  const identifier = str(p['identifier']) ?? agentId;
  const denial = sim.quotas.consume(identifier, Date.now());
  if (denial === null) return;
  throw new RpcFault(RPC.QUOTA_EXCEEDED, 'quota exceeded', { identifier, period: denial.period, limit: denial.limit, resets_at: denial.resetsAt });
}

function execute(p: Params, sim: SimContext, req: IncomingMessage): unknown {
  const toolId = str(p['tool_id']);
  const agentId = str(p['agent_id']) ?? sourceAgent(req);
  if (toolId === null) throw internal('tool_id parameter required');
  if (agentId === null) throw internal('agent_id parameter required or must be provided via A2A context');
  charge(sim, p, agentId);
  const run = runTool(toolId, p['parameters'] ?? {});
  return { tool_id: toolId, ...run };
}

function entryView(toolId: string, run: ToolRun): unknown {
  return { tool_id: toolId, status: run.status, result: run.result, error: run.error, execution_time_ms: run.execution_time_ms };
}

function executeBatch(p: Params, sim: SimContext, req: IncomingMessage): unknown {
  const startMs = Date.now();
  const requests = p['requests'];
  if (!Array.isArray(requests) || requests.length === 0) throw internal('requests parameter required and must be non-empty list');
  const entries = requests.map((r) => {
    const q = (typeof r === 'object' && r !== null ? r : {}) as Params;
    const toolId = str(q['tool_id']);
    const agentId = str(q['agent_id']) ?? sourceAgent(req);
    if (toolId === null || agentId === null) throw internal('Each request must have tool_id and agent_id (or A2A context with source_agent)');
    return { toolId, agentId, q };
  });
  const results = entries.map(({ toolId, agentId, q }) => {
    charge(sim, p, agentId);
    return entryView(toolId, runTool(toolId, q['parameters'] ?? {}));
  });
  const successful = results.filter((r) => (r as { status: string }).status === 'success').length;
  return { results, successful_count: successful, failed_count: results.length - successful, total_time_ms: Date.now() - startMs };
}

/**
 * upstream reads each side's `agent_id` and `tool_id` by subscript inside try blocks: a missing key is a
 * KeyError printed as the quoted key. On the primary side it becomes primary_error and the fallback runs;
 * on the fallback side it becomes a failed result with execution_time_ms 0. Neither is a JSON-RPC error.
 */
function runSide(sim: SimContext, p: Params, side: Params, req: IncomingMessage): { toolId: string; run: ToolRun } {
  const agentId = str(side['agent_id']) ?? sourceAgent(req);
  if (agentId === null) throw new Error("'agent_id'");
  if (side['tool_id'] === undefined) throw new Error("'tool_id'");
  const rawId = side['tool_id'];
  const toolId = typeof rawId === 'string' ? rawId : pyRepr(rawId); // Python's str() of a scalar
  charge(sim, p, agentId);
  return { toolId, run: runTool(toolId, side['parameters'] ?? {}) };
}

function executeWithFallback(p: Params, sim: SimContext, req: IncomingMessage): unknown {
  const startMs = Date.now();
  const primary = p['primary'] as Params | undefined;
  const fallback = p['fallback'] as Params | undefined;
  if (!primary) throw internal('primary parameter required');
  if (!fallback) throw internal('fallback parameter required');
  let primaryError: string | null = null;
  let result: unknown;
  try {
    const { toolId, run } = runSide(sim, p, primary, req);
    if (run.status !== 'success') throw new Error(run.error ?? 'Primary execution failed');
    result = entryView(toolId, run);
  } catch (err) {
    if (err instanceof RpcFault) throw err;
    primaryError = (err as Error).message;
    try {
      const { toolId, run } = runSide(sim, p, fallback, req);
      result = entryView(toolId, run);
    } catch (fallbackErr) {
      if (fallbackErr instanceof RpcFault) throw fallbackErr;
      result = { tool_id: fallback['tool_id'] ?? null, status: 'failed', result: null, error: (fallbackErr as Error).message, execution_time_ms: 0 };
    }
  }
  return { result, used_fallback: primaryError !== null, primary_error: primaryError, total_time_ms: Date.now() - startMs };
}

function rateLimitStatus(p: Params): unknown {
  const toolId = str(p['tool_id']);
  if (toolId === null) throw internal('tool_id parameter required');
  if (!UPSTREAM_TOOLS_BY_ID.has(toolId)) throw internal(`Tool not found: ${toolId}`);
  return { tool_id: toolId, rate_limit: null, quota: null };
}

/** The tools.* methods as upstream serves them. */
export const A2A_TOOL_METHODS: readonly MethodSpec[] = [
  method('tools.list', list),
  method('tools.get', get),
  method('tools.search', search),
  method('tools.execute', execute, { isToolCall: true }),
  method('tools.execute_batch', executeBatch, { isToolCall: true }),
  method('tools.execute_with_fallback', executeWithFallback, { isToolCall: true }),
  method('tools.get_rate_limit_status', rateLimitStatus, { isRateExempt: true }),
];
