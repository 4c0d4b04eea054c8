/**
 * Tool methods: tools.list, tools.execute, tools.execute_batch,
 * tools.execute_with_fallback and tools.get_rate_limit_status, with the
 * seed's shapes (`{tool_id, parameters, identifier?}` per execution).
 *
 * Every execution counts one unit of quota for its identifier (a batch
 * counts one per entry, a fallback chain one in total); an exhausted quota is
 * JSON-RPC -32005. Rate limiting happens earlier, in the router.
 */

import type { IncomingMessage } from 'node:http';
import { RPC, RpcFault } from '../jsonrpc-protocol.ts';
import { method, type MethodSpec, type Params, type SimContext } from '../sim-context.ts';
import { clientKey, invalidParam, optionalLimit, optionalObject, optionalString, quotaIdentifier, requireString } from './params.ts';
import { TOOL_DESCRIPTORS, TOOLS_BY_ID, type ToolDef } from './seed-tool-catalog.ts';

const MAX_BATCH = 100;

/** One execution request inside execute_batch / execute_with_fallback. */
interface Execution {
  toolId: string;
  parameters: Params;
}

function chargeQuota(sim: SimContext, identifier: string): void {
  const denial = sim.quotas.consume(identifier, Date.now());
  if (denial === null) return;
  throw new RpcFault(RPC.QUOTA_EXCEEDED, 'quota exceeded', {
    identifier, period: denial.period, limit: denial.limit, resets_at: denial.resetsAt,
  });
}

function lookupTool(toolId: string): ToolDef {
  const tool = TOOLS_BY_ID.get(toolId);
  if (tool !== undefined) return tool;
  throw new RpcFault(RPC.INVALID_PARAMS, `invalid params: tool_id: unknown tool "${toolId}"`,
    { available: TOOL_DESCRIPTORS.map((t) => t.tool_id) });
}

/** Runs one tool; returns its output or a Promise of it; throws RpcFault. */
function runTool(sim: SimContext, exec: Execution): unknown {
  return lookupTool(exec.toolId).run(exec.parameters, sim);
}

function readExecution(value: unknown, name: string, defaults: Params | null): Execution {
  if (typeof value === 'string' && value.length > 0) return { toolId: value, parameters: defaults ?? {} };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidParam(name, 'a tool id or {tool_id, parameters}', value);
  }
  const p = value as Params;
  return { toolId: requireString(p, 'tool_id'), parameters: optionalObject(p, 'parameters') ?? defaults ?? {} };
}

function success(toolId: string, result: unknown, startedMs: number): unknown {
  return { success: true, tool_id: toolId, result, execution_time_ms: Math.round((performance.now() - startedMs) * 100) / 100 };
}

function execute(p: Params, sim: SimContext, req: IncomingMessage): unknown {
  const exec = { toolId: requireString(p, 'tool_id'), parameters: optionalObject(p, 'parameters') ?? {} };
  const tool = lookupTool(exec.toolId);
  chargeQuota(sim, quotaIdentifier(req, p));
  const startedMs = performance.now();
  const out = tool.run(exec.parameters, sim);
  if (out instanceof Promise) return out.then((result) => success(exec.toolId, result, startedMs));
  return success(exec.toolId, out, startedMs);
}

function faultView(err: unknown): { code: number; message: string } {
  if (err instanceof RpcFault) return { code: err.code, message: err.message };
  return { code: RPC.INTERNAL_ERROR, message: 'internal error' };
}

/** One batch entry, settled: never rejects, so Promise.all sees every outcome. */
function settleEntry(sim: SimContext, exec: Execution, identifier: string): unknown {
  try {
    chargeQuota(sim, identifier);
    const startedMs = performance.now();
    const out = runTool(sim, exec);
    if (!(out instanceof Promise)) return success(exec.toolId, out, startedMs);
    return out.then((result) => success(exec.toolId, result, startedMs),
      (err: unknown) => ({ success: false, tool_id: exec.toolId, error: faultView(err) }));
  } catch (err) {
    return { success: false, tool_id: exec.toolId, error: faultView(err) };
  }
}

function summarise(results: unknown[]): unknown {
  const succeeded = results.filter((r) => (r as { success: boolean }).success).length;
  return { results, total: results.length, succeeded, failed: results.length - succeeded };
}

function executeBatch(p: Params, sim: SimContext, req: IncomingMessage): unknown {
  const list = p['executions'];
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_BATCH) {
    throw invalidParam('executions', `a list of 1 to ${MAX_BATCH} executions`, list);
  }
  const execs = list.map((e, i) => readExecution(e, `executions[${i}]`, null));
  const identifier = quotaIdentifier(req, p);
  // All entries start before any is awaited: the batch runs in parallel and takes as long as its slowest tool.
  const settled = execs.map((e) => settleEntry(sim, e, identifier));
  if (!settled.some((s) => s instanceof Promise)) return summarise(settled);
  return Promise.all(settled).then(summarise);
}

async function executeWithFallback(p: Params, sim: SimContext, req: IncomingMessage): Promise<unknown> {
  const defaults = optionalObject(p, 'parameters');
  const chain = [readExecution(p['primary'], 'primary', defaults)];
  const fallbacks = p['fallbacks'] ?? [];
  if (!Array.isArray(fallbacks)) throw invalidParam('fallbacks', 'a list', fallbacks);
  fallbacks.forEach((f, i) => chain.push(readExecution(f, `fallbacks[${i}]`, defaults)));
  chargeQuota(sim, quotaIdentifier(req, p));
  const attempts: unknown[] = [];
  for (const exec of chain) {
    const startedMs = performance.now();
    try {
      const result = await runTool(sim, exec);
      attempts.push({ tool_id: exec.toolId, success: true });
      return { ...(success(exec.toolId, result, startedMs) as object), used_fallback: exec !== chain[0], attempts };
    } catch (err) {
      attempts.push({ tool_id: exec.toolId, success: false, error: faultView(err) });
    }
  }
  throw new RpcFault(RPC.TOOL_FAILED, 'tool execution failed: every tool in the fallback chain failed', { attempts });
}

function list(p: Params): unknown {
  const limit = optionalLimit(p, 'limit', 20, 100);
  const category = optionalString(p, 'category', '');
  const matching = category === '' ? TOOL_DESCRIPTORS : TOOL_DESCRIPTORS.filter((t) => t.category === category);
  const tools = matching.slice(0, limit);
  return { tools, count: tools.length, total: matching.length };
}

function rateLimitStatus(p: Params, sim: SimContext, req: IncomingMessage): unknown {
  const toolId = optionalString(p, 'tool_id', '');
  const identifier = quotaIdentifier(req, p);
  const key = clientKey(req, p) ?? 'addr:' + (req.socket.remoteAddress ?? '');
  const nowMs = performance.now();
  const bucket = sim.limiter?.peek(key, nowMs);
  return {
    tool_id: toolId === '' ? null : toolId,
    identifier,
    rate_limit: bucket === undefined
      ? { enabled: false }
      : { enabled: true, limit: bucket.limit, remaining: bucket.remaining, rate_per_sec: bucket.ratePerSec, reset_in_seconds: bucket.resetInSec },
    quota: sim.quotas.status(identifier, Date.now()),
  };
}

/** The tool methods, registered by the router. */
export const TOOL_METHODS: readonly MethodSpec[] = [
  method('tools.list', list),
  method('tools.execute', execute, { isToolCall: true }),
  method('tools.execute_batch', executeBatch, { isToolCall: true }),
  method('tools.execute_with_fallback', executeWithFallback, { isToolCall: true }),
  method('tools.get_rate_limit_status', rateLimitStatus, { isRateExempt: true }),
];
