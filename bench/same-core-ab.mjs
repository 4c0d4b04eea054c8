/**
 * Two agentload builds run AT THE SAME TIME on the generator core, against one target, RUNS times (the
 * start order alternating): an A/B of a code change on a shared VM. Run one after the other, two identical
 * builds differed by ±15-30 % here (the VM's load moves within seconds); started together, both see the
 * same contention, and the per-run ratios are what to read. Each checkout needs its dist/ built
 * (`npx tsc -p tsconfig.build.json && node scripts/precompile-schema.mjs` there, or `npm run build`).
 * Usage: node bench/same-core-ab.mjs MODE URL N SECONDS RUNS CHECKOUT_A CHECKOUT_B
 *        (MODE and N as for gen-agentload.mjs: closed CONNECTIONS, open RATE, rpc CONNECTIONS)
 * Prints each run's pair, the medians, and B / A per run for the rate and the CPU per request.
 */
import { execFile, execFileSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

/** `taskset -c core cmd args` where taskset exists and there are two cores, as targets.ts pins. */
function pinned(core, cmd, args) {
  let hasTaskset = cpus().length >= 2;
  try {
    if (hasTaskset) execFileSync('sh', ['-c', 'command -v taskset'], { stdio: 'ignore' });
  } catch {
    hasTaskset = false;
  }
  return hasTaskset ? ['taskset', ['-c', String(core), cmd, ...args]] : [cmd, args];
}

const [mode, url, n, seconds, runsText, a, b] = process.argv.slice(2);
if (!b) throw new Error('usage: same-core-ab.mjs MODE URL N SECONDS RUNS CHECKOUT_A CHECKOUT_B');

function one(dir) {
  const [cmd, args] = pinned(0, process.execPath, [join(dir, 'bench/gen-agentload.mjs'), url, mode, n, seconds]);
  return new Promise((resolve, reject) => execFile(cmd, args, { cwd: dir }, (err, out) => (err ? reject(err) : resolve(JSON.parse(out.trim().split('\n').pop())))));
}

const rate = (r) => (mode === 'open' ? r.arrivalsPerSec : r.rps);
const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const res = { a: [], b: [] };
const load0 = loadavg()[0];
for (let i = 0; i < Number(runsText); i++) {
  const [first, second] = i % 2 === 0 ? ['a', 'b'] : ['b', 'a'];
  const [r1, r2] = await Promise.all([one(first === 'a' ? a : b), one(second === 'a' ? a : b)]);
  res[first].push(r1);
  res[second].push(r2);
  console.log(`run ${i + 1}: A ${Math.round(rate(res.a[i]))}/s ${res.a[i].cpuSecPer100k.toFixed(2)} CPU-s/100k | B ${Math.round(rate(res.b[i]))}/s ${res.b[i].cpuSecPer100k.toFixed(2)} CPU-s/100k`);
}
for (const k of ['a', 'b']) console.log(`median ${k.toUpperCase()}: ${Math.round(median(res[k].map(rate)))}/s, ${median(res[k].map((r) => r.cpuSecPer100k)).toFixed(2)} CPU-s per 100k`);
console.log(`B / A per run: rate ${res.b.map((r, i) => (rate(r) / rate(res.a[i])).toFixed(2)).join(' ')}; CPU per request ${res.b.map((r, i) => (r.cpuSecPer100k / res.a[i].cpuSecPer100k).toFixed(2)).join(' ')}`);
console.log(`load average (1 min): ${load0.toFixed(1)} -> ${loadavg()[0].toFixed(1)}`);
