/**
 * `agentload calibrate [--seconds N] [--calibration FILE]`: measures, once,
 * how many arrivals/s one core of this machine carries, and stores it
 * (calibration-file.ts) for `validate --estimate` and `run --dry-run`.
 *
 * A trivial GET target runs in a child process on 127.0.0.1 (so it takes
 * the generator's core only when there is one core), and the generator runs
 * here, on one event loop:
 *   1. closed loop, 32 users, N s after a 1 s warm-up: requests per
 *      generator CPU-second, the cost that one core pays per arrival;
 *   2. open model at 80 % of that rate for N s: healthy if the run stayed
 *      within 1 % of its schedule, did not judge itself saturated and saw no
 *      error. Down by a quarter until a rate is healthy, then up by 40 %
 *      until one is not; four open-model runs at most.
 * The stored ceiling is the highest rate that ran healthy. On a busy machine it is
 * lower than on an idle one, which is the point: calibrate where you run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { compilePlan } from '../engine/compile/compile-plan.ts';
import { HdrSink } from '../engine/metrics/hdr-sink.ts';
import { runPlan } from '../engine/run/run-plan.ts';
import { builtinEngines } from '../engines/index.ts';
import { RunError, UsageError } from '../engine/errors.ts';
import type { PlanInput, Reporter, RunResult } from '../engine/contracts.ts';
import { calibrationPath, writeCalibration, type Calibration } from './calibration-file.ts';
import { parseFlags, type FlagTable } from './parse-flags.ts';
import type { CliIo } from './run-command.ts';

export const CALIBRATE_FLAGS: FlagTable = {
  seconds: { type: 'string', arg: 'N', help: 'seconds per measurement (default 3; two or more measurements run)' },
  calibration: { type: 'string', arg: 'FILE', help: 'write here instead of $XDG_CACHE_HOME/agentload/calibration.json' },
};

const USERS = 32;
const WARMUP_S = 1;
/** Share of the CPU-bound rate tried first: timers, GC pauses and the interval work need the rest of the core. */
const FIRST_SHARE = 0.8;
const STEP_DOWN = 0.75;
const STEP_UP = 1.4;
/** Open-model runs at most (each --seconds plus the warm-up). */
const TRIES = 4;

/** A GET target in its own process: `200 ok` for every request. */
const TARGET_JS = `const s=require('node:http').createServer((q,r)=>{r.writeHead(200,{'content-type':'text/plain','content-length':'2'});r.end('ok')});
s.keepAliveTimeout=60000;s.listen(0,'127.0.0.1',()=>process.stdout.write(s.address().port+'\\n'));process.stdin.on('end',()=>process.exit(0));process.stdin.resume();`;

function startTarget(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-e', TARGET_JS], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let text = '';
    child.once('error', reject);
    child.once('exit', (code) => reject(new RunError('AGENTLOAD_E_ABORTED', `the calibration target exited (code ${code}) before it listened`)));
    child.stdout.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.includes('\n')) resolve({ url: `http://127.0.0.1:${Number(text.trim())}`, child });
    });
  });
}

function plan(target: string, phase: Record<string, unknown>): PlanInput {
  return {
    file: 'calibrate', locate: () => undefined,
    config: { target, phases: [phase], warmup: WARMUP_S, interval: '1s', grace: '2s', http: { connections: USERS } },
    scenarios: [{ name: 'get', flow: [{ get: { url: '/', name: 'get' } }] }],
  };
}

/** Runs `p`; returns its result and the CPU-seconds this process spent after the warm-up. */
async function measure(p: PlanInput): Promise<{ result: RunResult; cpuSec: number }> {
  const sink = new HdrSink();
  const compiled = compilePlan(p, { engines: builtinEngines(), sink });
  let cpu0 = process.cpuUsage();
  const window: Reporter = { id: 'cpu-window', onStart: () => { setTimeout(() => { cpu0 = process.cpuUsage(); }, WARMUP_S * 1000).unref(); } };
  const result = await runPlan(compiled, { sink, reporters: [window], log: () => {} });
  const cpu = process.cpuUsage(cpu0);
  return { result, cpuSec: (cpu.user + cpu.system) / 1e6 };
}

/** One open-model run at `rate`: healthy when it started ≥ 99 % of its arrivals, did not judge itself saturated, and saw no error. */
async function healthyAt(url: string, rate: number, secs: number, io: CliIo): Promise<boolean> {
  const open = await measure(plan(url, { arrivalRate: rate, duration: WARMUP_S + secs }));
  const achieved = (open.result.summary.counters.vusers_created ?? 0) / secs;
  const isHealthy = achieved >= rate * 0.99 && !open.result.saturation.isSaturated && open.result.summary.overall.errors === 0;
  io.err(`open model at ${rate}/s: ${achieved.toFixed(0)}/s started, ${open.result.saturation.isSaturated ? 'saturated' : 'not saturated'}, ${open.result.summary.overall.errors} errors: ${isHealthy ? 'healthy' : 'not healthy'}`);
  return isHealthy;
}

function seconds(v: string | undefined): number {
  if (v === undefined) return 3;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 1 || n > 60) throw new UsageError(`--seconds expects a number of seconds from 1 to 60, got "${v}"`);
  return n;
}

/** Returns 0 when a healthy rate was found and stored, 3 when not. */
export async function calibrateCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseFlags(args, CALIBRATE_FLAGS, 'calibrate') as { values: Record<string, string | undefined>; positionals: string[] };
  if (positionals.length > 0) throw new UsageError(`agentload calibrate takes no plan (it measures this machine against its own target), got "${positionals[0]}"`);
  const secs = seconds(values.seconds);
  const file = calibrationPath(values.calibration ?? null);
  const { url, child } = await startTarget();
  try {
    io.err(`agentload calibrate: measuring this machine against a GET target on 127.0.0.1 (${secs} s per step)`);
    const closed = await measure(plan(url, { users: USERS, spawnRate: USERS * 10, duration: WARMUP_S + secs }));
    const count = closed.result.summary.overall.count;
    if (count === 0 || closed.cpuSec <= 0) throw new RunError('AGENTLOAD_E_TARGET_UNREACHABLE', 'calibration sent no request that was answered; is 127.0.0.1 reachable?');
    const cpuSecPer100k = (closed.cpuSec / count) * 1e5;
    let rate = Math.floor((count / closed.cpuSec) * FIRST_SHARE);
    io.err(`closed loop: ${count} requests in ${closed.cpuSec.toFixed(2)} CPU-s (${cpuSecPer100k.toFixed(2)} CPU-s per 100k requests)`);
    // Down by STEP_DOWN until a rate runs healthy; once one has, up by STEP_UP until one does not (a light
    // closed loop overstates the cost per request: the interval work is spread over fewer requests).
    let best = 0;
    for (let i = 0; i < TRIES; i++) {
      const isHealthy = await healthyAt(url, rate, secs, io);
      if (isHealthy) best = rate;
      if (best > 0 && !isHealthy) break;
      rate = Math.floor(rate * (isHealthy ? STEP_UP : STEP_DOWN));
    }
    if (best === 0) {
      io.err(`agentload calibrate: no rate down to ${Math.ceil(rate / STEP_DOWN)}/s ran healthy; the machine is too busy to calibrate now (nothing written)`);
      return 3;
    }
    const c: Calibration = {
      version: 1, measuredAt: new Date().toISOString(), node: process.version, cores: availableParallelism(),
      arrivalsPerSecPerCore: best, cpuSecPer100k: Number(cpuSecPer100k.toFixed(3)),
    };
    writeCalibration(file, c);
    io.out(`this machine: ${best} arrivals/s per core (one GET each, generator healthy), ${c.cores} core(s); wrote ${file}`);
    return 0;
  } finally {
    child.stdin!.end();
    child.kill();
  }
}
