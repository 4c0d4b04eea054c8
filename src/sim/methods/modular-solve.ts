/**
 * modular.solve: answers `{query, config}` after a latency drawn from a
 * model per query complexity, with AgentCore's result shape
 * `{answer, execution_trace: {verification_passed, confidence_score, …}}`.
 *
 * Latency model. The query is classified (below), then
 *
 *   latencyMs = (minMs + (maxMs - minMs) * u^solveSkew) * solveScale * degradeFactor?
 *
 * with u uniform in [0, 1). A skew of 3 keeps most answers near the low end
 * with a thin long tail, as LLM pipelines behave. Worked example with the
 * default ranges and the seed's 60/30/10 % simple/moderate/complex mix: mean
 * ≈ 0.6·875 + 0.3·1750 + 0.1·4250 ≈ 1475 ms and p95 ≈ 3.8 s, inside the
 * seed's "p95 < 4500 ms"; a uniform draw (skew 1) would put p95 near 5.5 s.
 */

import { setTimeout as delay } from 'node:timers/promises';
import { RPC, RpcFault } from '../jsonrpc-protocol.ts';
import { method, type MethodSpec, type Params, type SimContext } from '../sim-context.ts';
import { invalidParam, optionalObject, requireString } from './params.ts';

/** How hard a query looks. */
export type Complexity = 'simple' | 'moderate' | 'complex';

const COMPLEXITIES: readonly string[] = ['simple', 'moderate', 'complex'];

/** Words that signal more than one step of work; each present adds 1 to the score. */
const MULTI_STEP_MARKERS = [
  /\band\b/, /\bthen\b/, /\bcompar/, /\bdifferen/, /\bif\b/, /\bresearch/, /\brecommend/,
  /\banaly[sz]/, /\bevaluat/, /\bwhy\b/, /\bstep[- ]by[- ]step\b/, /\bpros and cons\b/,
];

/**
 * Classifies a query: score = markers present + commas. Score >= 4 or more
 * than 120 characters is complex; score >= 1 or more than 60 characters is
 * moderate; the rest is simple. On the seed's queries: "What is the speed of
 * light?" → simple; "Compare the populations of New York City and Los
 * Angeles" (compare, and) → moderate; "Research top 3 programming languages
 * by popularity, compare their use cases, and recommend one…" (4 markers +
 * 2 commas) → complex. Pure.
 */
export function classifyQuery(query: string): Complexity {
  const text = query.toLowerCase();
  let score = 0;
  for (const marker of MULTI_STEP_MARKERS) if (marker.test(text)) score++;
  for (let i = text.indexOf(','); i !== -1; i = text.indexOf(',', i + 1)) score++;
  if (score >= 4 || text.length > 120) return 'complex';
  if (score >= 1 || text.length > 60) return 'moderate';
  return 'simple';
}

const ITERATIONS: Record<Complexity, [number, number]> = { simple: [1, 1], moderate: [1, 2], complex: [2, 3] };
/** Share of the total time each module takes, in pipeline order. */
const MODULE_SHARES: readonly [string, number][] = [['planner', 0.2], ['executor', 0.5], ['verifier', 0.2], ['generator', 0.1]];

function randomInt(lo: number, hi: number): number {
  return lo + Math.floor(Math.random() * (hi - lo + 1));
}

function readComplexity(config: Params | null, query: string): Complexity {
  const forced = config?.['complexity'];
  if (forced === undefined) return classifyQuery(query);
  if (typeof forced === 'string' && COMPLEXITIES.includes(forced)) return forced as Complexity;
  throw invalidParam('config.complexity', 'simple, moderate or complex', forced);
}

function readTimeoutMs(config: Params | null): number {
  const t = config?.['timeout_seconds'];
  if (t === undefined || t === null) return Infinity;
  if (typeof t === 'number' && t > 0) return t * 1000;
  throw invalidParam('config.timeout_seconds', 'a positive number', t);
}

async function solve(p: Params, sim: SimContext): Promise<unknown> {
  const query = requireString(p, 'query');
  const config = optionalObject(p, 'config');
  const complexity = readComplexity(config, query);
  const timeoutMs = readTimeoutMs(config);
  const range = sim.config.solveLatency[complexity];
  const nowMs = performance.now();
  const latencyMs = (range.minMs + (range.maxMs - range.minMs) * Math.random() ** sim.config.solveSkew) *
    sim.config.solveScale * sim.chaos.latencyFactor(nowMs);
  if (latencyMs > timeoutMs) {
    await delay(timeoutMs);
    throw new RpcFault(RPC.TOOL_FAILED, `modular.solve timed out after ${timeoutMs} ms`, { complexity });
  }
  await delay(latencyMs);
  const isVerified = Math.random() >= sim.config.solveVerifyFailRate;
  const [lo, hi] = ITERATIONS[complexity];
  const result: Record<string, unknown> = {
    answer: `Simulated answer to: ${query.length > 200 ? query.slice(0, 200) + '...' : query}`,
    execution_trace: {
      complexity,
      verification_passed: isVerified,
      confidence_score: Math.round((isVerified ? 0.85 + Math.random() * 0.14 : 0.3 + Math.random() * 0.3) * 1000) / 1000,
      iterations: randomInt(lo, hi),
      modules_used: MODULE_SHARES.map(([name]) => name),
      steps: MODULE_SHARES.map(([module, share]) => ({ module, duration_ms: Math.round(latencyMs * share) })),
      total_duration_ms: Math.round(latencyMs),
    },
  };
  if (config?.['include_reasoning'] === true) result['reasoning'] = `Classified as ${complexity}; solved in ${MODULE_SHARES.length} modules.`;
  return result;
}

/** The modular.solve method, registered by the router. */
export const SOLVE_METHODS: readonly MethodSpec[] = [method('modular.solve', solve)];
