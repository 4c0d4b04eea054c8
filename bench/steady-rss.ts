/**
 * Steady-run memory benchmark (issue 20): runs `bin/agentload run` against
 * the bundled sim at a steady arrival rate for STEADY_SECONDS (default 600,
 * ten minutes) and samples the generator's RSS once a second from
 * /proc/<pid>/status (Linux). Prints RSS at start (after STEADY_WARMUP_S),
 * middle and end, the peak, and the growth from start to end: a generator
 * whose memory grows with run length shows it here.
 *
 * Not part of `npm test` (it takes ten minutes by default):
 *   node --import tsx bench/steady-rss.ts
 *   STEADY_SECONDS=60 STEADY_RATE=500 node --import tsx bench/steady-rss.ts
 *
 * The flow reads every answer (a JSON-RPC call whose result is captured and
 * checked, a health check with expect), so response buffering is exercised,
 * not only the drained path.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SECONDS = Number(process.env.STEADY_SECONDS ?? 600);
const RATE = Number(process.env.STEADY_RATE ?? 500);
const WARMUP_S = Number(process.env.STEADY_WARMUP_S ?? 10);

function rssMb(pid: number): number | null {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m === null ? null : Number(m[1]) / 1024;
  } catch {
    return null;
  }
}

const dir = mkdtempSync(join(tmpdir(), 'agentload-steady-'));
const plan = join(dir, 'steady.yml');
writeFileSync(plan, `# steady-rss bench: ${RATE} arrivals/s for ${SECONDS}s against the bundled sim
config:
  target: sim
  interval: 10s
  phases: [{ name: steady, duration: ${SECONDS}s, arrivalRate: ${RATE} }]
scenarios:
  - name: steady
    flow:
      - get: { url: /api/v1/health, name: health, expect: { status: 200 } }
      - post:
          url: /api/v1/jsonrpc
          name: agent.ping
          json: { jsonrpc: "2.0", id: "{{ uuid }}", method: agent.ping, params: { agent_id: "a-{{ vu }}" } }
          capture: { json: result, as: pong }
`);

const out = join(dir, 'run.json');
const child = spawn(process.execPath, [join(ROOT, 'bin/agentload'), 'run', plan, '--output', out, '--no-console', '--quiet'], {
  cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'],
});
const samples: Array<{ atS: number; mb: number }> = [];
const t0 = performance.now();
const timer = setInterval(() => {
  const mb = rssMb(child.pid!);
  if (mb !== null) samples.push({ atS: (performance.now() - t0) / 1000, mb });
}, 1000);
const code = await new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
clearInterval(timer);

const near = (s: number): number => {
  let best = samples[0]!;
  for (const x of samples) if (Math.abs(x.atS - s) < Math.abs(best.atS - s)) best = x;
  return best.mb;
};
const steady = samples.filter((x) => x.atS >= WARMUP_S);
const start = near(WARMUP_S);
const middle = near(WARMUP_S + (SECONDS - WARMUP_S) / 2);
const end = steady.length > 0 ? steady[steady.length - 1]!.mb : start;
const peak = Math.max(...samples.map((x) => x.mb));
let requests = 0;
let errors = 0;
try {
  const result = JSON.parse(readFileSync(out, 'utf8')) as { summary: { overall: { count: number; errors: number } } };
  requests = result.summary.overall.count;
  errors = result.summary.overall.errors;
} catch { /* the run wrote no result: the exit code says why */ }
rmSync(dir, { recursive: true, force: true });

const fmt = (mb: number): string => `${mb.toFixed(0)} MB`;
console.log(`steady-rss: ${RATE} arrivals/s × ${SECONDS} s against the sim, exit ${code}, ${requests} requests, ${errors} errors`);
console.log(`generator RSS: start (${WARMUP_S} s) ${fmt(start)}, middle ${fmt(middle)}, end ${fmt(end)}, peak ${fmt(peak)}; ` +
  `growth start→end ${(end - start).toFixed(1)} MB`);
console.log(JSON.stringify({ rate: RATE, seconds: SECONDS, exit: code, requests, errors, rssMb: { start, middle, end, peak } }));
