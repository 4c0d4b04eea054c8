/**
 * Streaming and MCP figures (issue 21), not part of `npm test`: timing
 * accuracy and capacity belong to a benchmark on a quiet machine.
 *
 *   ttft   the sim streams 50 tokens at 20 ms after a 300 ms first token, 10 streams/s:
 *          TTFT p50 against the 300 ms the sim was told (within 5 % is the aim), ITL/TPOT p50, tokens per stream
 *   mcp    1 000 concurrent MCP sessions from one process against the sim's SDK-built server:
 *          peak open sessions, tool calls/s, generator memory per session (peak RSS growth / sessions)
 *   hot    the MCP hot path: the official SDK client (Client + StreamableHTTPClientTransport) against
 *          agentload's undici engine, same work (N sessions × M echo calls, then DELETE), interleaved A B A B:
 *          calls/s and generator CPU per call
 *
 * The sim runs as a child process (its CPU and memory are not the generator's).
 *
 *   node --import tsx bench/stream-mcp-bench.ts [ttft,mcp,hot]
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { compilePlan } from '../src/engine/compile/compile-plan.ts';
import { HdrSink } from '../src/engine/metrics/hdr-sink.ts';
import { runPlan } from '../src/engine/run/run-plan.ts';
import { builtinEngines } from '../src/engines/index.ts';
import { spawnSim } from '../src/sim/spawn-sim.ts';
import type { PlanInput, RunResult } from '../src/engine/contracts.ts';

const CASES = (process.argv[2] ?? 'ttft,mcp,hot').split(',');

async function runInProcess(config: Record<string, unknown>, flow: unknown[]): Promise<RunResult> {
  const sink = new HdrSink();
  const plan: PlanInput = { file: 'bench.yml', config: { interval: '1s', grace: '5s', ...config } as never, scenarios: [{ name: 'bench', flow } as never], locate: () => undefined };
  const compiled = compilePlan(plan, { engines: builtinEngines(), sink } as never);
  return runPlan(compiled, { sink, reporters: [], log: () => {} } as never);
}

const byName = (r: RunResult, name: string, request?: string) =>
  r.summary.byName.find((n) => n.name === name && (request === undefined || n.tags.request === request))!;

async function ttft(url: string): Promise<void> {
  const r = await runInProcess({ target: url, phases: [{ duration: 10, arrivalRate: 10 }] }, [
    { stream: { openai: true, name: 'chat', url: '/v1/chat/completions?ttft_ms=300&token_ms=20&tokens=50', json: { stream: true } } },
  ]);
  const t = byName(r, 'stream_ttft', 'chat').latencyMs;
  console.log(`ttft: ${byName(r, 'chat').ok} streams ok; TTFT p50 ${t.p50} ms (told 300 ms: ${(((t.p50 - 300) / 300) * 100).toFixed(2)} %), p99 ${t.p99} ms; ` +
    `ITL p50 ${byName(r, 'stream_itl', 'chat').latencyMs.p50} ms; TPOT p50 ${byName(r, 'stream_tpot', 'chat').latencyMs.p50} ms; ` +
    `tokens per stream min/max ${byName(r, 'stream_tokens', 'chat').latencyMs.min}/${byName(r, 'stream_tokens', 'chat').latencyMs.max}; ` +
    `saturated: ${r.saturation.isSaturated}`);
}

async function mcp(url: string): Promise<void> {
  const sessions = 1000;
  global.gc?.();
  const baseRss = process.memoryUsage().rss;
  let peakRss = baseRss;
  const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 250);
  const seconds = 30;
  const r = await runInProcess({ target: url, phases: [{ duration: seconds, users: sessions, spawnRate: 100 }] }, [
    { listTools: {} },
    { loop: [{ callTool: { tool: 'echo', arguments: { text: 'hi {{ vu }}' } } }, { think: { min: '2s', max: '4s' } }], count: 1000 },
  ]);
  clearInterval(sampler);
  const calls = byName(r, 'tools/call echo');
  const peak = r.summary.gaugePeaks.mcp_sessions ?? 0;
  console.log(`mcp: peak ${peak} concurrent sessions (${r.summary.counters.mcp_sessions_opened} opened, ${r.summary.counters.mcp_sessions_failed ?? 0} failed); ` +
    `${calls.count} echo calls, ${calls.rps}/s, ${calls.errors} errors, p50 ${calls.latencyMs.p50} ms p99 ${calls.latencyMs.p99} ms; ` +
    `generator RSS ${(baseRss / 2 ** 20).toFixed(0)} → peak ${(peakRss / 2 ** 20).toFixed(0)} MiB = ${((peakRss - baseRss) / Math.max(peak, 1) / 1024).toFixed(1)} KiB per session; ` +
    `saturated: ${r.saturation.isSaturated}; failures ${JSON.stringify(byName(r, 'initialize').outcomes.failed)} ${JSON.stringify(calls.outcomes.failed)}`);
}

async function sdkClients(url: string, sessions: number, calls: number): Promise<number> {
  let done = 0;
  await Promise.all(Array.from({ length: sessions }, async () => {
    const transport = new StreamableHTTPClientTransport(new URL('/mcp', url));
    const client = new Client({ name: 'bench', version: '0' });
    await client.connect(transport);
    for (let i = 0; i < calls; i++) {
      await client.callTool({ name: 'echo', arguments: { text: 'hi' } });
      done++;
    }
    await transport.terminateSession();
    await client.close();
  }));
  return done;
}

async function engineClients(url: string, sessions: number, calls: number): Promise<number> {
  const r = await runInProcess({ target: url, phases: [{ duration: 1, arrivalCount: sessions }] }, [
    { loop: [{ callTool: { tool: 'echo', arguments: { text: 'hi' } } }], count: calls },
  ]);
  return byName(r, 'tools/call echo').ok;
}

async function hot(url: string): Promise<void> {
  const sessions = 100;
  const calls = 50;
  const rows: Record<string, Array<{ perSec: number; cpuUsPerCall: number }>> = { sdk: [], agentload: [] };
  for (let run = 0; run < 2; run++) {
    for (const [name, fn] of [['sdk', sdkClients], ['agentload', engineClients]] as const) {
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const n = await fn(url, sessions, calls);
      const ms = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      rows[name]!.push({ perSec: (n / ms) * 1000, cpuUsPerCall: (cpu.user + cpu.system) / n });
    }
  }
  for (const [name, rs] of Object.entries(rows)) {
    console.log(`hot ${name}: ${rs.map((x) => `${x.perSec.toFixed(0)} calls/s, ${x.cpuUsPerCall.toFixed(0)} µs CPU/call`).join(' | ')}`);
  }
}

const sim = await spawnSim();
try {
  console.log(`node ${process.version}; sim ${sim.url} (pid ${sim.pid})`);
  if (CASES.includes('ttft')) await ttft(sim.url);
  if (CASES.includes('hot')) await hot(sim.url);
  if (CASES.includes('mcp')) await mcp(sim.url);
} finally {
  await sim.stop();
}
