/**
 * `npm run bench`: side-by-side generator benchmarks on loopback. Every
 * case runs the competitors interleaved (A, B, A, B, …) against the same
 * target, generator pinned to core 0 and target to core 1 when possible,
 * and reports medians and ratios — machines here are shared and noisy, so
 * ratios measured in one run are what we quote, never absolute timings in tests.
 * The pairs case starts two generators at once on core 0 instead (pairs-bench.ts).
 *
 * Env: BENCH_SECONDS (default 10), BENCH_RUNS (default 3), BENCH_CASES
 * (comma list of: start,http,open,workers,rpc,pairs,ws-msg,cost,sim,ws; default start,http,open,workers,rpc,pairs,ws-msg,sim),
 * BENCH_OPEN_RATES (the open-model case's arrival rates, comma list).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startNginx, startNodeTarget, startSimTarget, startWsEcho, pinned, hasCommand, canPin, NGINX_RPC_PATH, type BenchTarget } from './targets.ts';

const run = promisify(execFile);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CASES = (process.env.BENCH_CASES ?? 'start,http,open,workers,rpc,pairs,ws-msg,sim').split(',');
const CONNECTIONS = 50;
/** Arrival rates the open-model case steps through, up to where neither generator keeps up (BENCH_OPEN_RATES=20000,30000 to probe a few; on a quiet VM both carried 60 000/s on 2026-12-03). */
const OPEN_RATES = (process.env.BENCH_OPEN_RATES ?? '5000,10000,15000,20000,25000,30000,35000,40000,45000,50000,55000,60000,65000,70000,80000').split(',').map(Number);
const root = fileURLToPath(new URL('..', import.meta.url));

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

async function exec(cmd: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  const [c, a] = pinned(0, cmd, args);
  const { stdout } = await run(c, a, { cwd: root, maxBuffer: 64 << 20, env: { ...process.env, ...env } });
  return stdout;
}

/** Runs a generator child (bench/gen-*.mjs) pinned to the generator core; returns the JSON line it ends with. */
async function childLine(script: string, args: string[], env: Record<string, string> = {}): Promise<Record<string, number | boolean>> {
  const out = await exec(process.execPath, [script, ...args], env);
  return JSON.parse(out.trim().split('\n').pop()!);
}

/** One agentload child run; returns its JSON line. */
export function agentload(url: string, mode: 'closed' | 'open' | 'rpc' | 'ws', n: number, seconds = SECONDS, env: Record<string, string> = {}): Promise<Record<string, number | boolean>> {
  return childLine('bench/gen-agentload.mjs', [url, mode, String(n), String(seconds)], env);
}

async function autocannon(url: string): Promise<number> {
  const args = ['node_modules/autocannon/autocannon.js', '-c', String(CONNECTIONS), '-d', String(SECONDS), '-p', '1', '-j'];
  const out = await exec(process.execPath, [...args, url]);
  const j = JSON.parse(out) as { requests: { total: number } };
  return j.requests.total / SECONDS;
}

async function wrk(url: string): Promise<number | null> {
  if (!hasCommand('wrk')) return null;
  const out = await exec('wrk', ['-t1', `-c${CONNECTIONS}`, `-d${SECONDS}s`, url]);
  const m = /Requests\/sec:\s+([\d.]+)/.exec(out);
  return m ? Number(m[1]) : null;
}

async function closedLoop(target: BenchTarget): Promise<void> {
  const a: number[] = [], ac: number[] = [], w: number[] = [], cpu: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await agentload(target.url, 'closed', CONNECTIONS);
    a.push(r.rps as number);
    cpu.push(r.cpuSecPer100k as number);
    ac.push(await autocannon(target.url));
    const x = await wrk(target.url);
    if (x !== null) w.push(x);
  }
  console.log(`\n## closed loop, 1 GET step, ${CONNECTIONS} connections, ${SECONDS}s × ${RUNS}, target ${target.name}`);
  console.log(`agentload   ${fmt(median(a))} req/s   (${median(cpu).toFixed(2)} CPU-s per 100k requests)`);
  console.log(`autocannon  ${fmt(median(ac))} req/s`);
  if (w.length) console.log(`wrk         ${fmt(median(w))} req/s`);
  console.log(`ratio agentload / autocannon = ${(median(a) / median(ac)).toFixed(2)}${w.length ? `, agentload / wrk = ${(median(a) / median(w)).toFixed(2)}` : ''}`);
}

/** One run of the bare-undici open-model floor (gen-undici-open.mjs); returns its JSON line. */
async function undiciOpen(url: string, rate: number): Promise<Record<string, number>> {
  return (await childLine('bench/gen-undici-open.mjs', [url, String(rate), String(SECONDS)])) as Record<string, number>;
}

/** Latency p99 above this, against a target that answers in microseconds, is queueing in the generator. */
const RESPONSIVE_P99_MS = 50;

/**
 * A rate is sustained (issue 8's criterion) when the median run achieved ≥ 99 % of it with scheduling-delay
 * p99 < 5 ms and no errors. That criterion watches only the timer: a loop whose responses queue behind a
 * saturated core passes it with a latency p99 of seconds. So the rate is also judged responsive when the
 * median latency p99 stayed under RESPONSIVE_P99_MS as well. Issue 23's criterion is `healthy`: achieved
 * ≥ 99 %, no errors, and the generator not judged saturated in most runs, by the rule agentload's own verdict
 * applies (saturation.ts: over 1 % of arrivals > 10 ms late, or a 1 s interval with the event loop ≥ 95 %
 * busy), which gen-undici-open.mjs applies to the bare loop too.
 */
function verdict(rate: number, runs: Array<Record<string, number | boolean>>): { ok: boolean; responsive: boolean; healthy: boolean; line: string } {
  const achieved = median(runs.map((r) => r.arrivalsPerSec as number));
  const delayP99 = median(runs.map((r) => r.schedP99Ms as number));
  const latencyP99 = median(runs.map((r) => r.p99Ms as number));
  const isAchieved = achieved >= rate * 0.99 && runs.every((r) => r.errors === 0);
  const ok = isAchieved && delayP99 < 5;
  const responsive = ok && latencyP99 < RESPONSIVE_P99_MS;
  const saturatedRuns = runs.filter((r) => r.saturated === true).length;
  const healthy = isAchieved && saturatedRuns * 2 < runs.length;
  const cpu = median(runs.map((r) => r.cpuSecPer100k as number));
  return {
    ok, responsive, healthy,
    line: `achieved ${fmt(achieved)}/s, delay p99 ${delayP99.toFixed(2)} ms, latency p99 ${latencyP99} ms, ${cpu.toFixed(2)} CPU-s/100k, ` +
      `saturated in ${saturatedRuns}/${runs.length} ${responsive ? 'OK' : ok ? 'OK (slow)' : 'behind'}${healthy ? ', healthy' : ''}`,
  };
}

/**
 * Steps the arrival rate up until neither generator sustains it: agentload, and beside it (runs
 * interleaved) the bare undici floor, so the ceiling is read against what undici and the kernel
 * allow on this machine today. Each run ramps from a tenth of the rate over a warm-up (excluded).
 */
async function openModel(target: BenchTarget): Promise<void> {
  const warm = process.env.BENCH_WARMUP_S ?? '3';
  console.log(`\n## open model, 1 GET per arrival, ${CONNECTIONS} connections, ${warm} s warm-up ramp + ${SECONDS} s per run, median of ${RUNS}, target ${target.name}`);
  // Every rate that passed, not one ceiling: on this VM a run at a higher rate can pass after one below it
  // failed (its speed drifts within minutes), and a single "highest" would hide that.
  const passed = { agentload: [] as number[], undici: [] as number[] };
  const healthy = { agentload: [] as number[], undici: [] as number[] };
  // CPU per request at the highest rate a generator carried responsively: what one core could carry at
  // 100 % busy, were that cost flat. (Past saturation the figure falls, as responses pile up into bigger
  // batches, so it is not read there.)
  const atResponsive = { agentload: { rate: 0, cpuPer100k: 0 }, undici: { rate: 0, cpuPer100k: 0 } };
  const responsive = { agentload: [] as number[], undici: [] as number[] };
  for (const rate of OPEN_RATES) {
    const a: Array<Record<string, number | boolean>> = [], b: Array<Record<string, number | boolean>> = [];
    for (let i = 0; i < RUNS; i++) {
      a.push(await agentload(target.url, 'open', rate, SECONDS));
      b.push(await undiciOpen(target.url, rate));
    }
    const va = verdict(rate, a), vb = verdict(rate, b);
    console.log(`asked ${fmt(rate)}/s  agentload: ${va.line}  |  bare undici: ${vb.line}`);
    if (va.ok) passed.agentload.push(rate);
    if (vb.ok) passed.undici.push(rate);
    if (va.healthy) healthy.agentload.push(rate);
    if (vb.healthy) healthy.undici.push(rate);
    if (va.responsive) {
      responsive.agentload.push(rate);
      atResponsive.agentload = { rate, cpuPer100k: median(a.map((r) => r.cpuSecPer100k as number)) };
    }
    if (vb.responsive) {
      responsive.undici.push(rate);
      atResponsive.undici = { rate, cpuPer100k: median(b.map((r) => r.cpuSecPer100k as number)) };
    }
    if (!va.ok && !vb.ok && !va.healthy && !vb.healthy) break;
  }
  const list = (xs: number[]): string => (xs.length ? xs.map(fmt).join(', ') : 'none');
  console.log(`rates sustained (achieved ≥ 99 %, delay p99 < 5 ms): agentload ${list(passed.agentload)} | bare undici loop ${list(passed.undici)}`);
  console.log(`rates sustained with the generator healthy (achieved ≥ 99 %, not judged saturated in most runs): agentload ${list(healthy.agentload)} | bare undici loop ${list(healthy.undici)}`);
  console.log(`… with latency p99 also under ${RESPONSIVE_P99_MS} ms: agentload ${list(responsive.agentload)} | bare undici loop ${list(responsive.undici)}`);
  const ceiling = ({ rate, cpuPer100k }: { rate: number; cpuPer100k: number }): string =>
    (rate > 0 ? `${fmt(1e5 / cpuPer100k)}/s (${cpuPer100k.toFixed(2)} CPU-s per 100k at ${fmt(rate)}/s)` : 'n/a');
  console.log(`one core at 100 % busy, at the CPU per request of the highest responsive rate: agentload ${ceiling(atResponsive.agentload)} | bare undici loop ${ceiling(atResponsive.undici)}`);
  // Issue 23's open-model ratio: agentload's highest sustained rate over the floor's, from this run.
  const top = (xs: number[]): number => (xs.length ? Math.max(...xs) : 0);
  const ratio = (a: number, b: number): string => (b > 0 ? (a / b).toFixed(2) : 'n/a');
  const perCore = (x: { cpuPer100k: number }): number => (x.cpuPer100k > 0 ? 1e5 / x.cpuPer100k : 0);
  console.log(`ratio agentload / bare undici: highest rate sustained healthy (issue 23, target ≥ 0.95) ${ratio(top(healthy.agentload), top(healthy.undici))}, ` +
    `highest rate sustained ${ratio(top(passed.agentload), top(passed.undici))}, ` +
    `with latency p99 < ${RESPONSIVE_P99_MS} ms ${ratio(top(responsive.agentload), top(responsive.undici))}, one core's ceiling ${ratio(perCore(atResponsive.agentload), perCore(atResponsive.undici))}`);
}

/**
 * `--workers 1`, `--workers 2` and `--workers 2 --oversubscribe` through the CLI, generator pinned to one core:
 * the split must not cost throughput. On one core `--workers 2` runs one worker (worker-cap.ts); the forced
 * run shows what two event loops taking turns on that core would cost.
 */
async function workersCase(target: BenchTarget): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'agentload-bench-'));
  const plan = join(dir, 'plan.yml');
  writeFileSync(plan, `config:\n  target: ${new URL(target.url).origin}\n  phases: [{ users: ${CONNECTIONS}, spawnRate: ${CONNECTIONS * 10}, duration: ${SECONDS} }]\n` +
    `scenarios:\n  - name: get\n    flow: [{ get: { url: ${new URL(target.url).pathname}, name: get } }]\n`);
  const variants: Array<[string, string[]]> = [['1 worker', ['--workers', '1']], ['--workers 2', ['--workers', '2']], ['--workers 2 --oversubscribe', ['--workers', '2', '--oversubscribe']]];
  const rps = variants.map(() => [] as number[]);
  for (let i = 0; i < RUNS; i++) {
    for (const [v, [, flags]] of variants.entries()) {
      const out = join(dir, `w${v}.json`);
      await exec(process.execPath, ['bin/agentload', 'run', plan, ...flags, '--quiet', '--output', out]).catch(() => '');
      const j = JSON.parse(readFileSync(out, 'utf8')) as { summary: { overall: { count: number } } };
      rps[v]!.push(j.summary.overall.count / SECONDS);
    }
  }
  console.log(`\n## --workers, closed loop ${CONNECTIONS} users, generator threads pinned to one core, target ${target.name}`);
  const base = median(rps[0]!);
  for (const [v, [label]] of variants.entries()) {
    console.log(`${label.padEnd(28)} ${fmt(median(rps[v]!)).padStart(7)} req/s   ratio to 1 worker ${(median(rps[v]!) / base).toFixed(2)}`);
  }
}

/** agent.ping's JSON-RPC request, as autocannon and the bare undici loop send it (agentload sends the same members). */
const PING_BODY = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'agent.ping', params: { agent_id: 'bench' } });

/**
 * Tool calls, two targets, three generators each, interleaved run by run: agentload's tool-rpc engine (every
 * answer classified: envelope, id, result or error), autocannon POSTing the same body, and a bare undici
 * POST loop that reads nothing (gen-undici-post.mjs), the floor for any generator built on undici.
 * - the sim on core 1, agentload numbering its ids per call: a real gateway's answers, but the sim, a node
 *   process, is near its own limit at these rates, so the rates there are partly the sim's;
 * - nginx on core 1 answering agent.ping's envelope with id 1 (targets.ts), agentload sending `id: 1`, so all
 *   three send the same bytes and get the same answer: the generators are the limit.
 */
async function rpcPost(): Promise<void> {
  const sim = await startSimTarget();
  try {
    await rpcTrio(`target ${sim.name}, agentload numbering the ids`, sim.url, {});
  } finally {
    await sim.stop();
  }
  const nginx = await startNginx();
  if (nginx === null) return void console.log('\n(no nginx: the tool-call case against a fixed answer is skipped)');
  try {
    await rpcTrio(`target nginx answering agent.ping's envelope (id 1), agentload sending id 1: the same bytes both ways`, `${nginx.url}${NGINX_RPC_PATH.slice(1)}`, { BENCH_RPC_ID: '1' });
  } finally {
    await nginx.stop();
  }
}

async function rpcTrio(title: string, url: string, env: Record<string, string>): Promise<void> {
  const rows: Record<'a' | 'ac' | 'bare', Array<Record<string, number | boolean>>> = { a: [], ac: [], bare: [] };
  const child = (script: string): Promise<Record<string, number | boolean>> => childLine(script, [url, String(CONNECTIONS), String(SECONDS), PING_BODY]);
  for (let i = 0; i < RUNS; i++) {
    rows.a.push(await agentload(url, 'rpc', CONNECTIONS, SECONDS, env));
    rows.ac.push(await child('bench/gen-autocannon.mjs'));
    rows.bare.push(await child('bench/gen-undici-post.mjs'));
  }
  const med = (k: 'a' | 'ac' | 'bare', key: string): number => median(rows[k].map((r) => r[key] as number));
  const line = (label: string, k: 'a' | 'ac' | 'bare'): string =>
    `${label.padEnd(44)} ${fmt(med(k, 'rps')).padStart(7)} calls/s   ${med(k, 'cpuSecPer100k').toFixed(2)} CPU-s per 100k   errors ${med(k, 'errors')}`;
  const cpu = (x: 'a' | 'ac' | 'bare', y: 'a' | 'ac' | 'bare'): string => (med(x, 'cpuSecPer100k') / med(y, 'cpuSecPer100k')).toFixed(2);
  console.log(`\n## JSON-RPC POST agent.ping, ${CONNECTIONS} connections, ${SECONDS}s × ${RUNS}, ${title}`);
  console.log(line('agentload tool-rpc (every answer classified)', 'a'));
  console.log(line('autocannon, the same body', 'ac'));
  console.log(line('bare undici POST loop (reads nothing)', 'bare'));
  console.log(`ratio agentload / autocannon = ${(med('a', 'rps') / med('ac', 'rps')).toFixed(2)} (rate); CPU per call: agentload / autocannon ${cpu('a', 'ac')}, bare undici / autocannon ${cpu('bare', 'ac')}, agentload / bare undici ${cpu('a', 'bare')}`);
}

/**
 * The ws engine's cost per message: 50 users, each on one connection, send a message and wait for its
 * echo in a loop, against a bare `ws` client loop doing the same (gen-ws-bare.mjs). The echo server is a
 * node process too and nearly as busy as the generator, so the CPU-seconds per 100k round trips are the
 * figure to compare; the rates are bounded by both sides.
 */
async function wsMessages(): Promise<void> {
  const echo = await startWsEcho();
  const a: Array<Record<string, number | boolean>> = [], b: Array<Record<string, number>> = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      a.push(await agentload(echo.url, 'ws', CONNECTIONS));
      b.push((await childLine('bench/gen-ws-bare.mjs', [echo.url, String(CONNECTIONS), String(SECONDS)])) as Record<string, number>);
    }
  } finally {
    await echo.stop();
  }
  const med = (xs: Array<Record<string, number | boolean>>, key: string): number => median(xs.map((r) => r[key] as number));
  console.log(`\n## WebSocket messages, ${CONNECTIONS} connections, send + wait for the echo in a loop, ${SECONDS}s × ${RUNS}, target ${echo.name}`);
  console.log(`agentload (ws engine)  ${fmt(med(a, 'rps'))} round trips/s   ${med(a, 'cpuSecPer100k').toFixed(2)} CPU-s per 100k   p99 ${med(a, 'p99Ms')} ms`);
  console.log(`bare ws client loop    ${fmt(med(b, 'rps'))} round trips/s   ${med(b, 'cpuSecPer100k').toFixed(2)} CPU-s per 100k   p99 ${med(b, 'p99Ms')} ms`);
  console.log(`ratio agentload / bare ws: rate ${(med(a, 'rps') / med(b, 'rps')).toFixed(2)}, CPU per round trip ${(med(a, 'cpuSecPer100k') / med(b, 'cpuSecPer100k')).toFixed(2)}`);
}

/** CPU per request and RSS per VU and per WebSocket, agentload beside autocannon (cost-bench.ts). */
async function cost(): Promise<void> {
  const { costCase } = await import('./cost-bench.ts');
  const http = (await startNginx()) ?? (await startNodeTarget());
  const echo = await startWsEcho();
  try {
    await costCase(http, echo, {
      agentload: (url, mode, n) => agentload(url, mode, n),
      autocannon: (url, n) => childLine('bench/gen-autocannon.mjs', [url, String(n), String(SECONDS)]),
      bareWs: (url, n) => childLine('bench/gen-ws-bare.mjs', [url, String(n), String(SECONDS)]),
      runs: RUNS, median,
    });
  } finally {
    await http.stop();
    await echo.stop();
  }
}

/** Two generators at once on the generator core, their CPU per request compared (pairs-bench.ts). */
async function pairs(): Promise<void> {
  const nginx = await startNginx();
  if (nginx === null) return void console.log('\n(no nginx: the side-by-side pairs are skipped)');
  const { pairsCase } = await import('./pairs-bench.ts');
  try {
    await pairsCase(nginx, {
      agentloadGet: (url) => agentload(url, 'closed', CONNECTIONS),
      agentloadRpc: (url) => agentload(url, 'rpc', CONNECTIONS, SECONDS, { BENCH_RPC_ID: '1' }),
      autocannon: (url, body) => childLine('bench/gen-autocannon.mjs', [url, String(CONNECTIONS), String(SECONDS), ...(body === null ? [] : [body])]),
      barePost: (url, body) => childLine('bench/gen-undici-post.mjs', [url, String(CONNECTIONS), String(SECONDS), body]),
      runs: RUNS, median, body: PING_BODY,
    });
  } finally {
    await nginx.stop();
  }
}

/** Start-up: validate, and run to the first request, compiled and from source (start-bench.ts). */
async function startUp(): Promise<void> {
  const { startUpCase } = await import('./start-bench.ts');
  await startUpCase(root, RUNS);
}

async function main(): Promise<void> {
  console.log(`# agentload bench — ${new Date().toISOString()}, node ${process.version}, pinned: ${canPin}`);
  // The generators run the compiled build, as bin/agentload does: build it from the source as it is now.
  await run(process.execPath, ['scripts/build.mjs'], { cwd: root });
  if (CASES.includes('start')) await startUp();
  const isUnbundled = CASES.some((c) => c !== 'start' && c !== 'ws');
  if (isUnbundled) await buildUnbundled();
  try {
    await generatorCases();
  } finally {
    // Leave dist/ as npm run build makes it.
    if (isUnbundled) await run(process.execPath, ['scripts/build.mjs'], { cwd: root });
  }
}

/**
 * The generators (gen-*.mjs) import dist's modules by path, where the bundled build (scripts/bundle-dist.mjs)
 * leaves only the entry stubs: they get tsc's output unbundled, the same code; only its start-up differs,
 * which the start case measures on the bundled build.
 */
async function buildUnbundled(): Promise<void> {
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  await run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { cwd: root });
  await run(process.execPath, ['scripts/precompile-schema.mjs'], { cwd: root });
  writeFileSync(join(root, 'dist', '.build-stamp'), `${new Date().toISOString()}\n`);
}

async function generatorCases(): Promise<void> {
  if (['http', 'open', 'workers'].some((c) => CASES.includes(c))) {
    const target = (await startNginx()) ?? (await startNodeTarget());
    try {
      if (CASES.includes('http')) await closedLoop(target);
      if (CASES.includes('open')) await openModel(target);
      if (CASES.includes('workers')) await workersCase(target);
    } finally {
      await target.stop();
    }
  }
  if (CASES.includes('rpc')) await rpcPost();
  if (CASES.includes('pairs')) await pairs();
  if (CASES.includes('ws-msg')) await wsMessages();
  if (CASES.includes('cost')) await cost();
  if (CASES.includes('sim')) {
    const { benchSim } = await import('./sim-bench.ts');
    const r = await benchSim(SECONDS);
    console.log(`\n## the sim's own ceiling: agent.ping with autocannon, ${SECONDS}s\nsim  ${fmt(r.rps)} req/s`);
  }
  if (CASES.includes('ws')) {
    const { benchWs } = await import('./ws-bench.ts');
    const r = await benchWs({ connections: 10_000, holdSeconds: 60 });
    console.log(`\n## WebSocket: ramp to 10 000, hold 60 s\n${JSON.stringify(r)}`);
  }
}

await main();
