/**
 * Validate-at-scale benchmark (issue 20, item 6): `agentload validate` on
 * generated plans of SCALE_STEPS steps (default 10 000) in one scenario:
 *
 * - named: `get`/`post` steps, each with its own name, a third with a JSON
 *   body and a capture, a third with a templated body, a third with expect;
 * - aliased: the same count of steps reused by alias (`- *health`), by merge
 *   key (`<<: *rpc`) and `think: *think`, as hand-written plans do.
 *
 * Reports per plan the median wall time, CPU time (user + system) and peak
 * RSS of the whole process, and the peak RSS per step over a one-step plan.
 * SCALE_PLANS=named picks plans (default named,aliased), or names plan files
 * (SCALE_PLANS=named,/path/big.yml); SCALE_ROOTS=dirA,dirB runs several agentload trees (e.g. two builds)
 * interleaved, run by run, so a noisy shared machine hits them alike; quote
 * ratios from one such run. Not part of `npm test`:
 *
 *   node --import tsx bench/validate-scale.ts
 *   SCALE_RUNS=7 SCALE_ROOTS=/tmp/before,/tmp/after node --import tsx bench/validate-scale.ts
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const STEPS = Number(process.env.SCALE_STEPS ?? 10_000);
const RUNS = Number(process.env.SCALE_RUNS ?? 5);
const ROOTS = (process.env.SCALE_ROOTS ?? fileURLToPath(new URL('..', import.meta.url))).split(',');
/** Generated plans by kind, or plan files by path (anything with a `/`). */
const KINDS = (process.env.SCALE_PLANS ?? 'named,aliased').split(',');

const HEAD = `config:
  target: http://127.0.0.1:9
  phases:
    - { name: steady, duration: 10s, arrivalRate: 1 }
`;

function namedPlan(steps: number): string {
  let s = `${HEAD}scenarios:\n  - name: big\n    flow:\n`;
  for (let i = 0; i < steps; i++) {
    if (i % 3 === 0) s += `      - get: { url: /api/v1/items/${i}, name: item-${i}, expect: { status: 200 } }\n`;
    else if (i % 3 === 1) {
      s += `      - post:\n          url: /api/v1/jsonrpc\n          name: rpc-${i}\n`;
      s += `          json: { jsonrpc: "2.0", id: ${i}, method: agent.ping, params: { agent_id: "a-{{ vu }}", n: ${i} } }\n`;
      s += `          capture: { json: result, as: r${i} }\n`;
    } else s += `      - post: { url: /api/v1/tasks, name: task-${i}, json: { title: "t${i}", tags: [a, b] }, capture: [{ json: id, as: t${i} }] }\n`;
  }
  return s;
}

function aliasedPlan(steps: number): string {
  let s = `${HEAD}x-think: &think { min: 10ms, max: 50ms }
x-health: &health
  get: { url: /api/v1/health, name: health, expect: { status: [200] } }
x-rpc: &rpc { url: /api/v1/jsonrpc, json: { jsonrpc: "2.0", method: agent.ping, id: "{{ vu }}" } }
scenarios:
  - name: big
    flow:
`;
  for (let i = 0; i < steps; i++) {
    if (i % 3 === 0) s += '      - *health\n';
    else if (i % 3 === 1) s += '      - think: *think\n';
    else s += `      - post: { <<: *rpc, name: rpc-${i} }\n`;
  }
  return s;
}

interface Sample { wallS: number; cpuS: number; rssMb: number }

// Prints the child's own resource usage as it exits (bin/agentload ends with process.exit()).
const RUSAGE = 'data:text/javascript,import{writeSync}from"node:fs";process.on("exit",()=>{const r=process.resourceUsage();' +
  'writeSync(2,"\\nBENCH_RUSAGE "+JSON.stringify({cpuUs:r.userCPUTime+r.systemCPUTime,rssKb:r.maxRSS})+"\\n")})';

function validate(root: string, plan: string): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', RUSAGE, join(root, 'bin/agentload'), 'validate', plan], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => { err += d; });
    child.on('exit', (code) => {
      const wallS = (performance.now() - t0) / 1000;
      const m = /BENCH_RUSAGE (\{.*\})/.exec(err);
      if (code !== 0 || m === null) return reject(new Error(`validate ${plan} with ${root}: exit ${code}\n${err}`));
      const r = JSON.parse(m[1]!) as { cpuUs: number; rssKb: number };
      resolve({ wallS, cpuS: r.cpuUs / 1e6, rssMb: r.rssKb / 1024 });
    });
  });
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const dir = mkdtempSync(join(tmpdir(), 'agentload-validate-scale-'));
try {
  const plans = { one: namedPlan(1), named: namedPlan(STEPS), aliased: aliasedPlan(STEPS) };
  const files: Record<string, string> = Object.fromEntries(Object.entries(plans).map(([k, text]) => {
    const f = join(dir, `${k}.yml`);
    writeFileSync(f, text);
    return [k, f];
  }));
  for (const k of KINDS) if (k.includes('/')) files[k] = k;
  const samples = new Map<string, Sample[]>();
  for (let run = 0; run < RUNS; run++) {
    for (const root of ROOTS) {
      for (const kind of ['one', ...KINDS] as const) {
        const key = `${root}\u0000${kind}`;
        samples.set(key, [...(samples.get(key) ?? []), await validate(root, files[kind]!)]);
      }
    }
  }
  console.log(`validate-scale: ${STEPS} steps, median of ${RUNS}, Node ${process.version}; named plan ${(plans.named.length / 1e6).toFixed(2)} MB, aliased ${(plans.aliased.length / 1e6).toFixed(2)} MB`);
  for (const root of ROOTS) {
    const one = samples.get(`${root}\u0000one`)!;
    const baseRss = median(one.map((s) => s.rssMb));
    console.log(`${root}: one-step plan ${median(one.map((s) => s.wallS)).toFixed(2)} s wall, ${median(one.map((s) => s.cpuS)).toFixed(2)} CPU-s, ${baseRss.toFixed(0)} MB`);
    for (const kind of KINDS) {
      const xs = samples.get(`${root}\u0000${kind}`)!;
      const rss = median(xs.map((s) => s.rssMb));
      console.log(`  ${kind.padEnd(7)} ${median(xs.map((s) => s.wallS)).toFixed(2)} s wall, ${median(xs.map((s) => s.cpuS)).toFixed(2)} CPU-s, ` +
        `peak RSS ${rss.toFixed(0)} MB (${(((rss - baseRss) * 1024) / STEPS).toFixed(1)} KB per step over the one-step plan)`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
