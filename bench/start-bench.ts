/**
 * The start-up case of `npm run bench` (BENCH_CASES=start): how long agentload takes before it does
 * its job, in the compiled form (dist/, what bin/agentload runs after `npm ci`) and from source through
 * tsx, interleaved, each child pinned to core 0.
 * - `validate configs/http-load.yml` and `validate configs/a2a-protocol.yml`: wall time to exit, CPU and peak RSS.
 * - `run` of a one-request plan against a node:http server in this process: wall time and CPU from the spawn
 *   to the request's arrival at the server (the server stays unpinned, so its own work is not on core 0).
 * - `run configs/a2a-protocol.yml --target <the sim>`: the same, to the first request's first bytes at a
 *   counting TCP proxy in front of `agentload sim` (a shipped plan, its templates and expectations, the sim).
 * - `node -e ""` on the same core, for scale: on a busy machine every start is slower, node's own included.
 *
 * START_ROOTS=/tmp/before,/tmp/after compares the compiled builds of several agentload trees instead (each
 * built with `node scripts/build.mjs`), start by start, so a noisy machine hits them alike:
 *   START_ROOTS=/tmp/before,/tmp/after BENCH_RUNS=7 node --import tsx bench/run.ts   (with BENCH_CASES=start)
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect, createServer as createTcpServer, type Server as TcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { pinned, startSimTarget } from './targets.ts';

const exec = promisify(execFile);
type Start = { wall: number; cpuSec: number; maxRssMb: number };
type First = { wall: number; cpuSec: number };
/** One way to start agentload: a tree and the form start-entry.mjs runs it in. */
type Form = { label: string; root: string; form: 'compiled' | 'source'; env?: NodeJS.ProcessEnv };

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** One `agentload validate PLAN` child through the tree's bench/start-entry.mjs; its wall time to exit and its own resource usage. */
async function validateOnce(f: Form, plan: string): Promise<Start> {
  const [c, a] = pinned(0, process.execPath, [join(f.root, 'bench/start-entry.mjs'), f.form, 'validate', plan]);
  const t0 = performance.now();
  const { stderr } = await exec(c, a, { cwd: f.root, env: { ...process.env, ...f.env } });
  const usage = JSON.parse(stderr.trim().split('\n').pop()!) as { cpuSec: number; maxRssMb: number };
  return { wall: (performance.now() - t0) / 1000, ...usage };
}

/** Wall seconds of `node -e ""` on the same core: the floor no start of agentload can go under on this machine now. */
async function bareNodeOnce(): Promise<number> {
  const [c, a] = pinned(0, process.execPath, ['-e', '']);
  const t0 = performance.now();
  await exec(c, a);
  return (performance.now() - t0) / 1000;
}

/**
 * CPU seconds a process has used so far, from /proc (Linux; 10 ms ticks), or NaN elsewhere. taskset execs
 * node, so the child's pid is node's.
 */
function cpuSecondsOf(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').pop()!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/**
 * Wall and CPU seconds from spawning `agentload run ARGS` to `arrived` (its first request reaching the
 * target). With `isStopping` the run is killed there (a long plan); else it must end with exit 0.
 */
async function firstRequestOnce(f: Form, args: string[], arrived: Promise<unknown>, isStopping: boolean): Promise<First> {
  const [c, a] = pinned(0, process.execPath, [join(f.root, 'bench/start-entry.mjs'), f.form, 'run', ...args, '--quiet']);
  const t0 = performance.now();
  const child = spawn(c, a, { cwd: f.root, stdio: 'ignore', env: { ...process.env, ...f.env } });
  const exited = once(child, 'exit');
  await Promise.race([arrived, exited.then(([code]) => { throw new Error(`agentload run exited ${code} before its first request`); })]);
  const wall = (performance.now() - t0) / 1000;
  const cpuSec = cpuSecondsOf(child.pid);
  if (isStopping) child.kill('SIGKILL');
  const [code] = (await exited) as [number | null];
  if (!isStopping && code !== 0) throw new Error(`agentload run exited ${code}`);
  return { wall, cpuSec };
}

/** A TCP proxy to `origin` that resolves `next()` when a connection's first bytes arrive (the sim is another process). */
async function countingProxy(origin: URL): Promise<{ server: TcpServer; url: string; next(): Promise<void> }> {
  let waiter: (() => void) | null = null;
  const server = createTcpServer((socket) => {
    const up = connect(Number(origin.port), origin.hostname);
    socket.once('data', () => { waiter?.(); waiter = null; });
    socket.pipe(up).pipe(socket);
    socket.on('error', () => up.destroy());
    up.on('error', () => socket.destroy());
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${port}`, next: () => new Promise<void>((r) => { waiter = r; }) };
}

/** The trees and forms to compare: START_ROOTS' compiled builds, else this tree compiled (with and without node's compile cache) and from source. */
function formsOf(root: string): Form[] {
  const roots = process.env.START_ROOTS?.split(',').filter((r) => r !== '');
  if (roots === undefined || roots.length === 0) {
    // bin/agentload turns on node's compile cache (22.1+), so a user's second start reads compiled code from disk;
    // the row without it is a first start after install, and every start on node 20, which has no such cache.
    return [
      { label: 'compiled (compile cache on, as bin/agentload)', root, form: 'compiled' },
      { label: 'compiled, compile cache off (a first start)', root, form: 'compiled', env: { START_COMPILE_CACHE: '0' } },
      { label: 'source', root, form: 'source' },
    ];
  }
  return roots.map((r) => ({ label: r, root: r, form: 'compiled' }));
}

/** Runs the case and prints its lines; `runs` starts per form and command (at least 5). */
export async function startUpCase(root: string, runs: number): Promise<void> {
  const n = Math.max(runs, 5);
  const forms = formsOf(root);
  const server = createServer((_req, res) => res.end('ok'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const sim = await startSimTarget();
  const proxy = await countingProxy(new URL(new URL(sim.url).origin));
  const dir = mkdtempSync(join(tmpdir(), 'agentload-start-'));
  try {
    const plan = join(dir, 'first-request.yml');
    const a2a = join(root, 'configs/a2a-protocol.yml');
    const httpLoad = join(root, 'configs/http-load.yml');
    const { port } = server.address() as { port: number };
    // The first arrival of a phase is due at its start, so the time measured is agentload's own.
    writeFileSync(plan, `config:\n  target: http://127.0.0.1:${port}\n  phases: [{ duration: 1s, arrivalRate: 1 }]\nscenarios:\n  - name: first\n    flow:\n      - get: { url: / }\n`);
    const rows = new Map(forms.map((f) => [f.label, { validate: [] as Start[], validateA2a: [] as Start[], first: [] as First[], firstA2a: [] as First[] }]));
    const bare: number[] = [];
    for (let i = 0; i < n; i++) {
      bare.push(await bareNodeOnce());
      for (const f of forms) {
        const r = rows.get(f.label)!;
        r.validate.push(await validateOnce(f, httpLoad));
        r.validateA2a.push(await validateOnce(f, a2a));
        r.first.push(await firstRequestOnce(f, [plan], once(server, 'request'), false));
        r.firstA2a.push(await firstRequestOnce(f, [a2a, '--target', proxy.url], proxy.next(), true));
      }
    }
    console.log(`\n## start-up: agentload validate, and agentload run to its first request, median of ${n}, each start pinned to core 0`);
    const s = (xs: Array<Start | First>, k: 'wall' | 'cpuSec'): string => median(xs.map((x) => x[k])).toFixed(2);
    for (const f of forms) {
      const r = rows.get(f.label)!;
      console.log(`${f.label}:\n` +
        `  validate configs/http-load.yml     ${s(r.validate, 'wall')} s wall  ${s(r.validate, 'cpuSec')} CPU-s  peak RSS ${median(r.validate.map((x) => x.maxRssMb)).toFixed(0)} MB\n` +
        `  validate configs/a2a-protocol.yml  ${s(r.validateA2a, 'wall')} s wall  ${s(r.validateA2a, 'cpuSec')} CPU-s  peak RSS ${median(r.validateA2a.map((x) => x.maxRssMb)).toFixed(0)} MB\n` +
        `  run, one-request plan, to its request            ${s(r.first, 'wall')} s wall  ${s(r.first, 'cpuSec')} CPU-s\n` +
        `  run configs/a2a-protocol.yml (sim), to its first ${s(r.firstA2a, 'wall')} s wall  ${s(r.firstA2a, 'cpuSec')} CPU-s`);
    }
    console.log(`node -e "" alone: ${median(bare).toFixed(2)} s wall (the floor on this machine, now)`);
    if (forms.length >= 2) {
      const first = forms[0]!;
      const last = forms[forms.length - 1]!;
      const [x, y] = [first, last].map((f) => rows.get(f.label)!);
      const ratio = (a: Array<Start | First>, b: Array<Start | First>): string => (median(a.map((v) => v.cpuSec)) / median(b.map((v) => v.cpuSec))).toFixed(2);
      console.log(`CPU ratio ${first.label} / ${last.label}: validate ${ratio(x!.validate, y!.validate)} and ${ratio(x!.validateA2a, y!.validateA2a)}, run to first request ${ratio(x!.first, y!.first)} and ${ratio(x!.firstA2a, y!.firstA2a)}`);
    }
  } finally {
    server.close();
    proxy.server.close();
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
