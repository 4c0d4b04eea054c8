/**
 * Benchmark (not a test): what undici 7's documented handler API costs
 * against the legacy one agentload's transport uses today, on the same
 * Pool, target and concurrency, interleaved. undici 7 runs a handler that
 * has `onRequestStart` through a per-request adapter (UnwrapHandler plus a
 * controller) and parses every response's headers into an object; the
 * legacy handler gets the raw header buffers and is called directly.
 * docs/decisions.md quotes the result (issue 17, item 2).
 *
 * Usage: node bench/undici-handler-api.mjs [URL]   (no URL: a node:http target on 127.0.0.1)
 * Child mode: node bench/undici-handler-api.mjs --child legacy|controller URL SECONDS
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { Pool } from 'undici';

const CONNECTIONS = 50;

async function child(kind, url, seconds) {
  const u = new URL(url);
  const pool = new Pool(u.origin, { connections: CONNECTIONS, keepAliveTimeout: 30_000 });
  const opts = { path: u.pathname, method: 'GET', headersTimeout: 30_000, bodyTimeout: 30_000 };
  let done = 0;
  let errors = 0;
  let isRunning = true;
  const again = (h) => { if (isRunning) pool.dispatch(opts, h); };
  class Legacy {
    onConnect() {}
    onHeaders() { return true; }
    onData() { return true; }
    onComplete() { done++; again(this); }
    onError() { errors++; again(this); }
  }
  class Controller {
    onRequestStart() {}
    onResponseStart() {}
    onResponseData() {}
    onResponseEnd() { done++; again(this); }
    onResponseError() { errors++; again(this); }
  }
  const Handler = kind === 'legacy' ? Legacy : Controller;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < CONNECTIONS; i++) pool.dispatch(opts, new Handler());
  await new Promise((r) => setTimeout(r, seconds * 1000));
  isRunning = false;
  const wall = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  await pool.close().catch(() => {});
  process.stdout.write(JSON.stringify({ kind, rps: done / wall, cpuUsPerReq: (cpu.user + cpu.system) / Math.max(1, done), errors }) + '\n');
}

async function runChild(kind, url, seconds) {
  const p = spawn(process.execPath, [new URL(import.meta.url).pathname, '--child', kind, url, String(seconds)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  p.stdout.on('data', (d) => { out += d; });
  await once(p, 'exit');
  return JSON.parse(out);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

if (process.argv[2] === '--child') await child(process.argv[3], process.argv[4], Number(process.argv[5]));
else {
  let url = process.argv[2];
  let target = null;
  if (url === undefined) {
    target = spawn(process.execPath, ['-e', "const s=require('http').createServer((q,r)=>{q.resume();r.end('ok')}).listen(0,'127.0.0.1',()=>console.log(s.address().port))"], { stdio: ['ignore', 'pipe', 'inherit'] });
    const [port] = await once(target.stdout, 'data');
    url = `http://127.0.0.1:${String(port).trim()}/`;
  }
  const seconds = Number(process.env.BENCH_SECONDS ?? 5);
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  const res = { legacy: [], controller: [] };
  for (let i = 0; i < runs; i++) for (const kind of i % 2 === 0 ? ['legacy', 'controller'] : ['controller', 'legacy']) res[kind].push(await runChild(kind, url, seconds));
  target?.kill();
  for (const kind of ['legacy', 'controller']) {
    console.log(`${kind.padEnd(10)} ${res[kind].map((r) => Math.round(r.rps)).join(' / ')} req/s, median ${Math.round(median(res[kind].map((r) => r.rps)))}; CPU µs per request median ${median(res[kind].map((r) => r.cpuUsPerReq)).toFixed(1)}`);
  }
  const ratio = median(res.controller.map((r) => r.rps)) / median(res.legacy.map((r) => r.rps));
  const cpuRatio = median(res.controller.map((r) => r.cpuUsPerReq)) / median(res.legacy.map((r) => r.cpuUsPerReq));
  console.log(`controller / legacy: rate ${ratio.toFixed(3)}, CPU per request ${cpuRatio.toFixed(3)} (undici ${(await import('undici/package.json', { with: { type: 'json' } })).default.version}, node ${process.version})`);
}
