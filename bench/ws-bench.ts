/**
 * The WebSocket scale case: can one agentload process open and hold N
 * connections (10 000 by default) to `agentload sim`, and what does each
 * connection cost the generator in memory?
 *
 * The sim runs as a child process (src/sim/spawn-sim.ts), the generator in
 * this process. Users arrive at RAMP_PER_SEC; each connects to
 * /ws/events?subscriber_id=…, waits for the `connected` greeting, then holds
 * for ramp + holdSeconds while sending the seed's application ping every
 * 5–15 s, so all N connections are open together for at least holdSeconds:
 *
 *   connections
 *     N ┤        ┌───────────────┐
 *       │      ╱ │← holdSeconds →│╲
 *     0 ┼─────╱──┴───────────────┴─╲──► time
 *         ramp                      ramp-down (holds end in arrival order)
 *
 * RSS is sampled every 250 ms; per connection = (peak − baseline) / peak
 * connections, the baseline taken after the sim started and the engine
 * loaded, before the first connection.
 *
 *   node --import tsx bench/ws-bench.ts [connections=10000] [holdSeconds=60]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compilePlan } from '../src/engine/compile/compile-plan.ts';
import { HdrSink } from '../src/engine/metrics/hdr-sink.ts';
import { runPlan } from '../src/engine/run/run-plan.ts';
import { builtinEngines } from '../src/engines/index.ts';
import { spawnSim } from '../src/sim/spawn-sim.ts';
import type { IntervalSnapshot, PlanInput, RunResult } from '../src/engine/contracts.ts';

/** New connections per second during the ramp. */
const RAMP_PER_SEC = 500;
const SAMPLE_EVERY_MS = 250;

/** What benchWs reports. */
export interface WsBenchResult {
  peakConnections: number;
  /** completed / (opened − abandoned), 0..1. */
  stability: number;
  connectP95Ms: number;
  connectP99Ms: number;
  keepAliveP95Ms: number;
  keepAlivesOk: number;
  errors: Record<string, number>;
  generatorPeakRssMb: number;
  generatorBaselineRssMb: number;
  rssPerConnectionKb: number;
  simPeakRssMb: number | null;
  maxEventLoopLagMs: number;
  generatorCpuSeconds: number;
  durationSeconds: number;
}

function plan(target: string, connections: number, holdSeconds: number): PlanInput {
  const rampSeconds = Math.max(1, Math.ceil(connections / RAMP_PER_SEC));
  const config = {
    target,
    interval: '10s',
    grace: '15s',
    phases: [
      { name: 'ramp', duration: rampSeconds, arrivalCount: connections },
      { name: 'hold', pause: rampSeconds + holdSeconds + 5 },
    ],
  };
  const flow = [
    { connect: '/ws/events?subscriber_id=bench-{{ vu }}' },
    { waitFor: { match: { json: 'message_type', equals: 'connected' } } },
    {
      hold: {
        duration: rampSeconds + holdSeconds,
        keepAlive: {
          every: { min: '5s', max: '15s' },
          json: { message_type: 'ping', payload: { timestamp: '{{ now }}' } },
          match: { json: 'message_type', equals: 'pong' },
        },
      },
    },
    { close: null },
  ];
  return { file: 'bench/ws-bench.ts', config: config as never, scenarios: [{ name: 'held', engine: 'ws', flow }], locate: () => undefined };
}

/** VmRSS of another process in bytes, or null (not Linux, or it exited). */
function pidRss(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? null : Number(m[1]) * 1024;
  } catch {
    return null;
  }
}

const mb = (bytes: number): number => Math.round((bytes / 1048576) * 10) / 10;

/** Runs the case once; see the module comment. Stops the sim in every case. */
export async function benchWs(opts: { connections: number; holdSeconds: number }): Promise<WsBenchResult> {
  const sim = await spawnSim({ source: 'bench/ws-bench.ts' });
  const sink = new HdrSink();
  const compiled = compilePlan(plan(sim.url, opts.connections, opts.holdSeconds), { engines: builtinEngines(), sink });
  let peakRss = 0;
  let simPeak: number | null = null;
  const sample = (): void => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
    const s = pidRss(sim.pid);
    if (s !== null) simPeak = Math.max(simPeak ?? 0, s);
  };
  global.gc?.();
  const baselineRss = process.memoryUsage.rss();
  const sampler = setInterval(sample, SAMPLE_EVERY_MS);
  const cpuStart = process.cpuUsage();
  const progress = (s: IntervalSnapshot): void => {
    process.stderr.write(`ws-bench ${(s.endMs / 1000).toFixed(0)}s ${s.phase ?? '-'}: ${s.gauges.ws_connections ?? 0} open (peak ${s.gauges.ws_connections_max ?? 0}), rss ${mb(process.memoryUsage.rss())} MB, lag ${s.gauges.event_loop_lag_ms ?? "-"} ms\n`);
  };
  let result: RunResult;
  try {
    result = await runPlan(compiled, { sink, reporters: [{ id: 'ws-bench', onInterval: progress }], log: (l) => process.stderr.write(`${l}\n`) });
  } finally {
    clearInterval(sampler);
    await sim.stop();
  }
  sample();
  const cpu = process.cpuUsage(cpuStart);
  const s = result.summary;
  const c = s.counters;
  const byName = (n: string) => s.byName.find((x) => x.name === n);
  const peak = s.gaugePeaks.ws_connections ?? 0;
  const settled = (c.ws_connections_opened ?? 0) - (c.ws_connections_abandoned ?? 0);
  return {
    peakConnections: peak,
    stability: settled > 0 ? (c.ws_connections_completed ?? 0) / settled : 0,
    connectP95Ms: byName('ws_connecting')?.latencyMs.p95 ?? 0,
    connectP99Ms: byName('ws_connecting')?.latencyMs.p99 ?? 0,
    keepAliveP95Ms: byName('ws_ping')?.latencyMs.p95 ?? 0,
    keepAlivesOk: byName('ws_ping')?.ok ?? 0,
    errors: Object.fromEntries(Object.entries(c).filter(([k]) => k.startsWith('ws_errors:') || k === 'ws_unexpected_closes' || k === 'ws_connections_abandoned')),
    generatorPeakRssMb: mb(peakRss),
    generatorBaselineRssMb: mb(baselineRss),
    rssPerConnectionKb: peak > 0 ? Math.round(((peakRss - baselineRss) / peak / 1024) * 10) / 10 : 0,
    simPeakRssMb: simPeak === null ? null : mb(simPeak),
    maxEventLoopLagMs: result.saturation.maxEventLoopLagMs,
    generatorCpuSeconds: Math.round(((cpu.user + cpu.system) / 1e6) * 10) / 10,
    durationSeconds: Math.round(s.durationMs / 100) / 10,
  };
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const connections = Number(process.argv[2] ?? 10_000);
  const holdSeconds = Number(process.argv[3] ?? 60);
  const r = await benchWs({ connections, holdSeconds });
  process.stdout.write(
    `## WebSocket: ramp to ${connections} at ${RAMP_PER_SEC}/s, hold ${holdSeconds} s, app ping every 5–15 s\n` +
    `peak connections      ${r.peakConnections}\n` +
    `stability             ${(r.stability * 100).toFixed(2)} %\n` +
    `connect p95 / p99     ${r.connectP95Ms} / ${r.connectP99Ms} ms\n` +
    `keep-alive p95        ${r.keepAliveP95Ms} ms (${r.keepAlivesOk} answered)\n` +
    `generator RSS         ${r.generatorPeakRssMb} MB peak (baseline ${r.generatorBaselineRssMb} MB), ${r.rssPerConnectionKb} KB per connection\n` +
    `sim RSS               ${r.simPeakRssMb ?? 'n/a'} MB peak\n` +
    `generator CPU         ${r.generatorCpuSeconds} s over ${r.durationSeconds} s, max event-loop lag ${r.maxEventLoopLagMs} ms\n` +
    `faults                ${JSON.stringify(r.errors)}\n` +
    `${JSON.stringify(r)}\n`,
  );
}
