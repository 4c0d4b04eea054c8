/**
 * The sim's own ceiling: requests/s for `agent.ping` from a fixed client.
 *
 * Starts the sim as a child process (the compiled build's dist/sim/main.js
 * through spawnSim, as `agentload run` with `target: sim` does after
 * `npm run build`) and drives it with autocannon: 50 keep-alive
 * connections POSTing one pre-built body. The figure says how far the sim is
 * from being the bottleneck of an HTTP benchmark run by agentload.
 *
 *   npm run build && node --import tsx bench/sim-bench.ts [seconds]
 */

import { createRequire } from 'node:module';
import type { spawnSim as SpawnSim } from '../src/sim/spawn-sim.ts';

// The compiled spawnSim starts the compiled sim; the source one, loaded through tsx, would start the source.
const compiledSpawnSim = new URL('../dist/sim/spawn-sim.js', import.meta.url).href;

/** The part of autocannon's programmatic API used here (the package ships no types). */
interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}
type Autocannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  method: 'POST';
  headers: Record<string, string>;
  body: string;
}) => Promise<AutocannonResult>;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const PING_BODY = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'agent.ping', params: { agent_id: 'bench' } });
const CONNECTIONS = 50;

/**
 * Benchmarks a fresh sim child for `seconds` and returns its mean
 * requests/s. Throws if any request failed (a non-2xx or a socket error
 * would make the figure meaningless). Stops the child in every case.
 */
export async function benchSim(seconds: number): Promise<{ rps: number; p99Ms: number }> {
  const { spawnSim } = (await import(compiledSpawnSim)) as { spawnSim: typeof SpawnSim };
  const sim = await spawnSim({ source: 'bench/sim-bench.ts' });
  try {
    const result = await autocannon({
      url: `${sim.url}/api/v1/jsonrpc`,
      connections: CONNECTIONS,
      duration: seconds,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: PING_BODY,
    });
    const failed = result.non2xx + result.errors + result.timeouts;
    if (failed > 0) throw new Error(`sim bench: ${failed} of ${result.requests.total} requests failed`);
    return { rps: Math.round(result.requests.average), p99Ms: result.latency.p99 };
  } finally {
    await sim.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const seconds = Number(process.argv[2] ?? 10);
  const { rps, p99Ms } = await benchSim(seconds);
  console.log(`sim agent.ping: ${rps} req/s (p99 ${p99Ms} ms, ${CONNECTIONS} connections, ${seconds} s)`);
}
