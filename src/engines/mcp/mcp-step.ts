/**
 * Compiles the MCP engine's steps once, at plan-compile time. Each step is
 * one JSON-RPC request of the Model Context Protocol:
 *
 *   listTools: {}                                   tools/list
 *   callTool: { tool: echo, arguments: { text: "hi {{ vu }}" } }   tools/call (arguments are templates)
 *   listResources: {} · readResource: { uri: sim://status }        resources/list · resources/read
 *   listPrompts: {} · getPrompt: { prompt: greet, arguments: { name: x } }   prompts/list · prompts/get
 *
 * Metrics go per method and per tool (or prompt): the default name is
 * `tools/call echo`, `prompts/get greet`, `tools/list`…, every name tagged
 * `mcp=<method>` so `byTag: { "mcp=tools/call": … }` covers all tools.
 */
import type { OutcomeRules, ResponseChecks, StepCompileContext, StepInput, ValueTemplate } from '../../engine/contracts.ts';
import { DEFAULT_RPC_OUTCOMES, type RpcRules } from '../../engine/checks/jsonrpc-verdict.ts';

/** The step keys and the MCP method each sends. */
export const MCP_METHODS: Readonly<Record<string, string>> = {
  listTools: 'tools/list',
  callTool: 'tools/call',
  listResources: 'resources/list',
  readResource: 'resources/read',
  listPrompts: 'prompts/list',
  getPrompt: 'prompts/get',
};

/** A compiled MCP step; RpcRules so jsonrpc-verdict classifies its answers as tool-rpc's. */
export interface McpStep extends RpcRules {
  readonly method: string;
  readonly handle: number;
  /** The request's params, templated (null: none). */
  readonly params: ValueTemplate | null;
  readonly timeoutMs: number;
  readonly checks: ResponseChecks | null;
  readonly outcomes: OutcomeRules;
  /** tools/call only: a result with isError: true fails the call (tool_error). */
  readonly isToolCall: boolean;
}

const DEFAULT_TIMEOUT_MS = 10_000;

function paramsOf(key: string, req: Record<string, unknown>, ctx: StepCompileContext, p: string): { params: unknown; label: string } {
  const args = req.arguments ?? {};
  if (args === null || typeof args !== 'object' || Array.isArray(args)) ctx.fail(`expected arguments to be a map, got ${JSON.stringify(args)}`, `${p}.arguments`);
  switch (key) {
    case 'callTool':
      if (typeof req.tool !== 'string' || req.tool === '') ctx.fail('callTool needs a tool name', `${p}.tool`);
      return { params: { name: req.tool, arguments: args }, label: ` ${req.tool}` };
    case 'getPrompt':
      if (typeof req.prompt !== 'string' || req.prompt === '') ctx.fail('getPrompt needs a prompt name', `${p}.prompt`);
      return { params: { name: req.prompt, arguments: args }, label: ` ${req.prompt}` };
    case 'readResource':
      if (typeof req.uri !== 'string' || req.uri === '') ctx.fail('readResource needs a uri', `${p}.uri`);
      return { params: { uri: req.uri }, label: '' };
    default:
      return { params: typeof req.cursor === 'string' ? { cursor: req.cursor } : null, label: '' };
  }
}

/** See the module comment. */
export function compileMcpStep(key: string, step: StepInput, ctx: StepCompileContext): McpStep {
  const p = ctx.yamlPath;
  const raw = step[key] ?? {};
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) ctx.fail(`expected ${key} to be a map, got ${JSON.stringify(raw)}`, p);
  const req = raw as Record<string, unknown>;
  const method = MCP_METHODS[key]!;
  const { params, label } = paramsOf(key, req, ctx, p);
  const name = typeof req.name === 'string' ? req.name : `${method}${label}`;
  const config = (ctx.config.mcp ?? {}) as Record<string, unknown>;
  return {
    method,
    handle: ctx.sink.handle(name, { mcp: method }),
    params: params === null ? null : ctx.valueTemplate(params, p),
    timeoutMs: ctx.durationMs(req.timeout ?? config.timeout ?? DEFAULT_TIMEOUT_MS / 1000, `${p}.timeout`),
    checks: ctx.checks(req.expect, req.capture, p),
    outcomes: ctx.outcomes(req.outcomes, DEFAULT_RPC_OUTCOMES, p),
    isToolCall: key === 'callTool',
  };
}
