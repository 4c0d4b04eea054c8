/**
 * The start-up case of `npm run bench` (BENCH_CASES=start): how long agentload takes before it does
 * its job, in the compiled form (dist/, what bin/agentload runs after `npm ci`) and from source through
 * tsx, interleaved, each child pinned to core 0.
 * - `validate configs/http-load.yml`: wall time to exit, CPU and peak RSS.
 * - `run` of a one-request plan against a node:http server in this process: wall time from the spawn to
 *   the request's arrival at the server (the server stays unpinned, so its own work is not on core 0).
 * - `node -e ""` on the same core, for scale: on a busy machine every start is slower, node's own included.
 */
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { pinned } from './targets.ts';

const exec = promisify(execFile);
const FORMS = ['compiled', 'source'] as const;
type Form = (typeof FORMS)[number];
type Start = { wall: number; cpuSec: number; maxRssMb: number };

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** One `agentload ARGS` child through bench/start-entry.mjs; its wall time to exit and its own resource usage. */
async function validateOnce(root: string, form: Form): Promise<Start> {
  const [c, a] = pinned(0, process.execPath, ['bench/start-entry.mjs', form, 'validate', 'configs/http-load.yml']);
  const t0 = performance.now();
  const { stderr } = await exec(c, a, { cwd: root });
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

/** Wall and CPU seconds from spawning `agentload run PLAN` to its first request reaching `server`. */
async function firstRequestOnce(root: string, form: Form, plan: string, server: ReturnType<typeof createServer>): Promise<{ wall: number; cpuSec: number }> {
  const [c, a] = pinned(0, process.execPath, ['bench/start-entry.mjs', form, 'run', plan, '--quiet']);
  const arrived = once(server, 'request');
  const t0 = performance.now();
  const child = spawn(c, a, { cwd: root, stdio: 'ignore' });
  const exited = once(child, 'exit');
  await Promise.race([arrived, exited.then(([code]) => { throw new Error(`agentload run exited ${code} before its first request`); })]);
  const wall = (performance.now() - t0) / 1000;
  const cpuSec = cpuSecondsOf(child.pid);
  const [code] = (await exited) as [number | null];
  if (code !== 0) throw new Error(`agentload run exited ${code}`);
  return { wall, cpuSec };
}

/** Runs the case and prints its lines; `runs` starts per form and command (at least 5). */
export async function startUpCase(root: string, runs: number): Promise<void> {
  const n = Math.max(runs, 5);
  const server = createServer((_req, res) => res.end('ok'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const dir = mkdtempSync(join(tmpdir(), 'agentload-start-'));
  try {
    const plan = join(dir, 'first-request.yml');
    const { port } = server.address() as { port: number };
    // The first arrival of a phase is due at its start, so the time measured is agentload's own.
    writeFileSync(plan, `config:\n  target: http://127.0.0.1:${port}\n  phases: [{ duration: 1s, arrivalRate: 1 }]\nscenarios:\n  - name: first\n    flow:\n      - get: { url: / }\n`);
    const validate: Record<Form, Start[]> = { compiled: [], source: [] };
    const first: Record<Form, Array<{ wall: number; cpuSec: number }>> = { compiled: [], source: [] };
    const bare: number[] = [];
    for (let i = 0; i < n; i++) {
      bare.push(await bareNodeOnce());
      for (const form of FORMS) {
        validate[form].push(await validateOnce(root, form));
        first[form].push(await firstRequestOnce(root, form, plan, server));
      }
    }
    console.log(`\n## start-up: agentload validate configs/http-load.yml, and agentload run to its first request, median of ${n}`);
    for (const form of FORMS) {
      const xs = validate[form];
      console.log(`${form.padEnd(9)} validate ${median(xs.map((x) => x.wall)).toFixed(2)} s wall   ${median(xs.map((x) => x.cpuSec)).toFixed(2)} CPU-s   peak RSS ${median(xs.map((x) => x.maxRssMb)).toFixed(0)} MB   run to first request ${median(first[form].map((x) => x.wall)).toFixed(2)} s wall, ${median(first[form].map((x) => x.cpuSec)).toFixed(2)} CPU-s`);
    }
    console.log(`node -e "" alone: ${median(bare).toFixed(2)} s wall (the floor on this machine, now)`);
    const ratio = (k: keyof Start): string => (median(validate.compiled.map((x) => x[k])) / median(validate.source.map((x) => x[k]))).toFixed(2);
    console.log(`ratio compiled / source: validate wall ${ratio('wall')}, CPU ${ratio('cpuSec')}, RSS ${ratio('maxRssMb')}; run to first request wall ${(median(first.compiled.map((x) => x.wall)) / median(first.source.map((x) => x.wall))).toFixed(2)}`);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
