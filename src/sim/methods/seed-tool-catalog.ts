/**
 * The tools behind tools.execute: light ones answered synchronously (echo,
 * calculator, current_time) and a medium one with modelled latency
 * (web_search), matching the seed's light (<100 ms) / medium (<1 s) classes,
 * plus `flaky`, which fails on demand so fallback chains can be exercised.
 */

import { setTimeout as delay } from 'node:timers/promises';
import { RPC, RpcFault } from '../jsonrpc-protocol.ts';
import type { Params, SimContext } from '../sim-context.ts';
import { invalidParam, optionalLimit, optionalString, requireNumber, requireString } from './params.ts';

/** A tool: its public descriptor plus the function that runs it (returns a value or a Promise; throws RpcFault). */
export interface ToolDef {
  readonly tool_id: string;
  readonly name: string;
  readonly description: string;
  readonly category: 'utility' | 'search' | 'testing';
  readonly weight: 'light' | 'medium';
  readonly parameters: Readonly<Record<string, { type: string; required: boolean; description: string }>>;
  readonly run: (params: Params, sim: SimContext) => unknown;
}

const OPERATIONS = ['add', 'subtract', 'multiply', 'divide'];
/** web_search's latency range before toolLatencyScale: a medium tool, well under the seed's 1 s p95. */
const SEARCH_MIN_MS = 100;
const SEARCH_MAX_MS = 600;

function calculator(p: Params): number {
  const operation = requireString(p, 'operation');
  const a = requireNumber(p, 'a');
  const b = requireNumber(p, 'b');
  switch (operation) {
    case 'add': return a + b;
    case 'subtract': return a - b;
    case 'multiply': return a * b;
    case 'divide':
      if (b === 0) throw new RpcFault(RPC.INVALID_PARAMS, 'invalid params: b: division by zero', { tool_id: 'calculator' });
      return a / b;
    default: throw invalidParam('operation', OPERATIONS.join(', '), operation);
  }
}

/** Formatters per timezone, built once: constructing Intl.DateTimeFormat costs far more than using one. */
const zoneFormatters = new Map<string, Intl.DateTimeFormat>();
const MAX_ZONES = 1000;

function zoneFormatter(timezone: string): Intl.DateTimeFormat {
  let f = zoneFormatters.get(timezone);
  if (f !== undefined) return f;
  try {
    // sv-SE formats as "YYYY-MM-DD HH:mm:ss", a stable machine-friendly local time.
    f = new Intl.DateTimeFormat('sv-SE', { timeZone: timezone, dateStyle: 'short', timeStyle: 'medium' });
  } catch {
    throw invalidParam('timezone', 'an IANA timezone like "UTC" or "Europe/London"', timezone);
  }
  if (zoneFormatters.size < MAX_ZONES) zoneFormatters.set(timezone, f);
  return f;
}

function currentTime(p: Params): unknown {
  const timezone = optionalString(p, 'timezone', 'UTC');
  const now = new Date();
  return { timezone, iso: now.toISOString(), unix_ms: now.getTime(), local: zoneFormatter(timezone).format(now) };
}

async function webSearch(p: Params, sim: SimContext): Promise<unknown> {
  const query = requireString(p, 'query');
  const maxResults = optionalLimit(p, 'max_results', 3, 10);
  const factor = sim.config.toolLatencyScale * sim.chaos.latencyFactor(performance.now());
  await delay((SEARCH_MIN_MS + Math.random() * (SEARCH_MAX_MS - SEARCH_MIN_MS)) * factor);
  const results = [];
  for (let i = 1; i <= maxResults; i++) {
    results.push({ title: `Result ${i} for ${query}`, url: `https://example.com/search/${i}`, snippet: `Simulated result ${i}` });
  }
  return { query, results };
}

function flaky(p: Params): unknown {
  const rate = p['failure_rate'] ?? 0.5;
  if (typeof rate !== 'number' || rate < 0 || rate > 1) throw invalidParam('failure_rate', 'a number from 0 to 1', rate);
  if (Math.random() < rate) throw new RpcFault(RPC.TOOL_FAILED, 'tool execution failed: simulated flaky failure', { tool_id: 'flaky' });
  return { ok: true };
}

const str = (description: string, required = true) => ({ type: 'string', required, description });
const num = (description: string, required = true) => ({ type: 'number', required, description });

/** Every tool, in tools.list order. */
export const TOOLS: readonly ToolDef[] = [
  {
    tool_id: 'echo', name: 'Echo', description: 'Returns its message unchanged', category: 'utility', weight: 'light',
    parameters: { message: str('text to echo', false) },
    run: (p) => ({ message: optionalString(p, 'message', '') }),
  },
  {
    tool_id: 'calculator', name: 'Calculator', description: 'Arithmetic on two numbers', category: 'utility', weight: 'light',
    parameters: { operation: str(OPERATIONS.join(' | ')), a: num('left operand'), b: num('right operand') },
    run: calculator,
  },
  {
    tool_id: 'current_time', name: 'Current time', description: 'The current time in a timezone', category: 'utility',
    weight: 'light', parameters: { timezone: str('IANA timezone, default UTC', false) },
    run: currentTime,
  },
  {
    tool_id: 'web_search', name: 'Web search', description: 'Simulated search with 100-600 ms latency', category: 'search',
    weight: 'medium', parameters: { query: str('search terms'), max_results: num('1-10, default 3', false) },
    run: webSearch,
  },
  {
    tool_id: 'flaky', name: 'Flaky', description: 'Fails with probability failure_rate (default 0.5)', category: 'testing',
    weight: 'light', parameters: { failure_rate: num('0-1, default 0.5', false) },
    run: flaky,
  },
];

/** Tools by id. */
export const TOOLS_BY_ID: ReadonlyMap<string, ToolDef> = new Map(TOOLS.map((t) => [t.tool_id, t]));

/** The public descriptors (tools.list), without the run functions. */
export const TOOL_DESCRIPTORS = TOOLS.map(({ run: _run, ...descriptor }) => descriptor);
