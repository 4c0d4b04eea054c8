/**
 * Benchmark child: the floor for the open model — the leanest open-model
 * generator undici allows, with none of agentload's plan, VU or metric
 * machinery. It measures what undici plus the kernel cost on this machine,
 * so the open-model case can say how much of the ceiling agentload itself
 * gives up. Same shape as gen-agentload's open mode: a warm-up ramp from a
 * tenth of the rate, one timer starting every due arrival, one GET each,
 * a pool of 50 connections, a reusable handler per request in flight,
 * scheduling delay and latency recorded from the scheduled start.
 * Usage: gen-undici-open.mjs URL RATE SECONDS; prints one JSON line.
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { newHistogram, recordUs } from '../dist/engine/metrics/histogram.js';

const [url, rateStr, secStr] = process.argv.slice(2);
const rate = Number(rateStr);
const seconds = Number(secStr);
const warmupMs = Number(process.env.BENCH_WARMUP_S ?? 3) * 1000;
const u = new URL(url);
const pool = new Pool(u.origin, { connections: Number(process.env.BENCH_OPEN_CONNECTIONS ?? 50), keepAliveTimeout: 30_000 });
const opts = { path: u.pathname, method: 'GET', headersTimeout: 30_000, bodyTimeout: 30_000 };
const delay = newHistogram();
const latency = newHistogram();
let done = 0;
let errors = 0;

class Exchange {
  scheduledMs = 0;
  onConnect() {}
  onHeaders() { return true; }
  onData() { return true; }
  onComplete() {
    if (this.scheduledMs >= warmupMs) { done++; recordUs(latency, (now() - this.scheduledMs) * 1000); }
    free.push(this);
  }
  onError() {
    if (this.scheduledMs >= warmupMs) errors++;
    free.push(this);
  }
  onUpgrade() {}
}
const free = [];

const epoch = performance.now();
const now = () => performance.now() - epoch;
const totalMs = warmupMs + seconds * 1000;
/** Arrival k's due time: a linear ramp from rate/10 to rate over the warm-up, then the full rate. */
function dueMs(k) {
  const r0 = rate / 10;
  const rampArrivals = ((r0 + rate) / 2) * (warmupMs / 1000);
  if (k < rampArrivals) {
    const a = (rate - r0) / (2 * (warmupMs / 1000));
    return ((-r0 + Math.sqrt(r0 * r0 + 4 * a * k)) / (2 * a)) * 1000;
  }
  return warmupMs + ((k - rampArrivals) / rate) * 1000;
}

// The generator-health rule agentload's own verdict applies (src/engine/run/saturation.ts), so the open-model
// case judges both generators alike: over 1 % of measured arrivals started > 10 ms late, or a measured 1 s
// interval whose event loop was busy ≥ 95 % of the time.
let late = 0;
let measuredArrivals = 0;
let busiestPct = 0;
let elu0 = null;
function sampleBusy() {
  const elu = performance.eventLoopUtilization(elu0);
  elu0 = performance.eventLoopUtilization();
  busiestPct = Math.max(busiestPct, elu.utilization * 100);
}

let k = 0;
function tick() {
  const t = now();
  for (let due = dueMs(k); due <= t && due < totalMs; due = dueMs(++k)) {
    if (due >= warmupMs) {
      recordUs(delay, (t - due) * 1000);
      measuredArrivals++;
      if (t - due > 10) late++;
    }
    const ex = free.pop() ?? new Exchange();
    ex.scheduledMs = due;
    pool.dispatch(opts, ex);
  }
  if (dueMs(k) < totalMs) setTimeout(tick, Math.max(0, Math.min(50, dueMs(k) - now())));
  else setTimeout(finish, 2000);
}

// CPU over the measured window plus the drain, as in gen-agentload.mjs.
let cpu0 = process.cpuUsage();
setTimeout(() => {
  cpu0 = process.cpuUsage();
  elu0 = performance.eventLoopUtilization();
  const sampler = setInterval(sampleBusy, 1000);
  setTimeout(() => clearInterval(sampler), seconds * 1000 + 1);
}, warmupMs);
function finish() {
  const cpu = process.cpuUsage(cpu0);
  const cpuSec = (cpu.user + cpu.system) / 1e6;
  process.stdout.write(`${JSON.stringify({
    arrivalsPerSec: done / seconds, errors, cpuSec, cpuSecPer100k: done ? (cpuSec / done) * 1e5 : null,
    schedP99Ms: delay.getValueAtPercentile(99) / 1000, p99Ms: latency.getValueAtPercentile(99) / 1000,
    busiestPct: Math.round(busiestPct), saturated: busiestPct >= 95 || (measuredArrivals > 0 && late / measuredArrivals > 0.01),
  })}\n`);
  void pool.close();
}
tick();
