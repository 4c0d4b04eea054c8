/**
 * Benchmark child: runs one agentload plan in this process and prints one
 * JSON line with achieved requests/s, CPU-seconds and scheduling delay. It runs
 * the compiled build (dist/, what bin/agentload runs), without tsx.
 * Usage: gen-agentload.mjs URL closed CONNECTIONS SECONDS | URL open RATE SECONDS | URL rpc CONNECTIONS SECONDS
 *        | WS_URL ws CONNECTIONS SECONDS (each user connects once, then sends a message and waits for its echo, in a loop)
 */
import { compilePlan } from '../dist/engine/compile/compile-plan.js';
import { HdrSink } from '../dist/engine/metrics/hdr-sink.js';
import { runPlan } from '../dist/engine/run/run-plan.js';
import { builtinEngines } from '../dist/engines/index.js';

const [url, mode, nStr, secStr] = process.argv.slice(2);
const n = Number(nStr);
const seconds = Number(secStr);
const u = new URL(url.replace(/^ws/, 'http'));
const target = u.origin;

// Open model: a warm-up ramp from a tenth of the rate (cold JIT, first connections), excluded from the figures.
const WARMUP_S = mode === 'open' ? Number(process.env.BENCH_WARMUP_S ?? 3) : 0;
// Open model: 1 s intervals, so the run's own saturation verdict (busy loop per interval) means what it means
// for a user; the other modes measure throughput only and take one interval.
const INTERVAL = mode === 'open' ? '1s' : '1h';
const phases = mode === 'open'
  ? [{ name: 'warm-up', arrivalRate: Math.ceil(n / 10), rampTo: n, duration: WARMUP_S }, { arrivalRate: n, duration: seconds }]
  : [{ users: n, spawnRate: n * 10, duration: seconds }];
// rpc: the tool-rpc engine, every answer classified (envelope, id, result vs error: an error inside a 200
// fails). The params are autocannon's body's (run.ts), so both send the same bytes but the id, which agentload
// numbers per call to match answers; BENCH_RPC_TEMPLATED=1 templates them per VU (`bench-{{vu}}`) instead.
// No expect: `result exists` added nothing to that verdict, and a call that nothing reads is the case whose
// answer must cost no more than its envelope (BENCH_RPC_EXPECT=1 adds it back).
const rpcCall = { method: 'agent.ping', params: { agent_id: process.env.BENCH_RPC_TEMPLATED === '1' ? 'bench-{{vu}}' : 'bench' }, name: 'rpc' };
// BENCH_RPC_ID=1 sends that fixed id instead, so the body is autocannon's byte for byte and a fixed answer (nginx's, targets.ts) matches it.
if (process.env.BENCH_RPC_ID) rpcCall.id = Number(process.env.BENCH_RPC_ID);
if (process.env.BENCH_RPC_EXPECT === '1') rpcCall.expect = { json: [{ path: 'result', exists: true }] };
const flow = mode === 'rpc'
  ? [{ call: rpcCall }]
  : mode === 'ws'
    ? [{ send: 'bench-message' }, { waitFor: { name: 'echo' } }]
    : [{ get: { url: u.pathname, name: 'get' } }];
const engine = mode === 'rpc' ? 'tool-rpc' : mode === 'ws' ? 'ws' : 'http';
// ws: one connection per user for the whole run, so the loop measures messages, not connects.
const beforeScenario = mode === 'ws' ? [{ connect: u.pathname }] : undefined;
const plan = {
  file: 'bench.yml', locate: () => undefined,
  config: { target, rpcPath: u.pathname, phases, warmup: WARMUP_S, interval: INTERVAL, grace: '2s', http: { connections: mode === 'open' ? Number(process.env.BENCH_OPEN_CONNECTIONS ?? 50) : n } },
  scenarios: [{ name: 'bench', engine, beforeScenario, flow }],
};
const sink = new HdrSink();
const compiled = compilePlan(plan, { engines: builtinEngines(), sink });
// CPU is measured from the load's start (after the warm-up, for the open model) to the result, its summary
// built: the drain and the summary are in it, as autocannon's (gen-autocannon.mjs) holds its connecting and its
// result. Start-up is in neither: module loading, compiling the plan and the engines' init (undici and
// tough-cookie loaded, the snapshot code warmed) come before onStart, as autocannon's require comes before its
// window. Measured from before runPlan, as it was, a 5 s run at ~2 000 req/s carried ~0.2 CPU-s of start-up
// (1.5-2 CPU-s per 100k requests) that autocannon's figure did not.
let cpu0 = process.cpuUsage();
let cpu = null;
const cpuWindow = {
  id: 'cpu-window',
  onStart: () => { cpu0 = process.cpuUsage(); if (WARMUP_S > 0) setTimeout(() => { cpu0 = process.cpuUsage(); }, WARMUP_S * 1000).unref(); },
  onEnd: () => { cpu = process.cpuUsage(cpu0); },
};
const result = await runPlan(compiled, { sink, reporters: [cpuWindow], log: () => {} });
// ws: a round trip is one echo; the sends are counted as steps of their own.
const o = mode === 'ws' ? result.summary.byName.find((x) => x.name === 'echo') : result.summary.overall;
const cpuSec = (cpu.user + cpu.system) / 1e6;
process.stdout.write(`${JSON.stringify({
  rps: o.count / seconds, count: o.count, arrivalsPerSec: (result.summary.counters.vusers_created ?? 0) / seconds, errors: o.errors, cpuSec,
  cpuSecPer100k: o.count ? (cpuSec / o.count) * 1e5 : null,
  schedP99Ms: result.saturation.schedulingDelayP99Us / 1000, p99Ms: o.latencyMs.p99, saturated: result.saturation.isSaturated,
  maxRssMb: process.resourceUsage().maxRSS / 1024,
})}\n`);
