/**
 * Benchmark targets on loopback: nginx answering `return 200` (Debian's
 * nginx, when installed) or a minimal node:http server, pinned to a core
 * with taskset when the machine has two or more.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';

/** A running target. */
export interface BenchTarget {
  readonly name: string;
  readonly url: string;
  stop(): Promise<void>;
}

/** True when taskset exists and there are ≥ 2 cores: generator on core 0, target on core 1. */
export const canPin = cpus().length >= 2 && hasCommand('taskset');

export function hasCommand(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** `[taskset -c core] cmd args…` */
export function pinned(core: number, cmd: string, args: string[]): [string, string[]] {
  return canPin ? ['taskset', ['-c', String(core), cmd, ...args]] : [cmd, args];
}

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/`);
      await res.arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`target on port ${port} did not come up`);
}

function stopper(child: ChildProcess): () => Promise<void> {
  return () => new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Where the nginx target answers every request with RPC_ANSWER. */
export const NGINX_RPC_PATH = '/api/v1/jsonrpc';
/** agent.ping's success answer, id 1, as the real gateway words it: the tool-call case's fixed answer. */
const RPC_ANSWER = '{"jsonrpc":"2.0","result":{"success":true,"message":"Agent pinged successfully","timestamp":"2026-12-03T08:00:00.000000Z"},"id":1}';

/**
 * nginx `return 200 "ok"` with one worker (and RPC_ANSWER as JSON at NGINX_RPC_PATH, whatever the request),
 * or null when nginx is not installed.
 */
export async function startNginx(): Promise<BenchTarget | null> {
  const bin = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
  if (!bin) return null;
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'agentload-nginx-'));
  writeFileSync(join(dir, 'nginx.conf'), `worker_processes 1; daemon off; pid ${dir}/nginx.pid; error_log ${dir}/error.log;
events { worker_connections 4096; }
http { access_log off; keepalive_requests 1000000; keepalive_timeout 60s;
  client_body_temp_path ${dir}; proxy_temp_path ${dir}; fastcgi_temp_path ${dir}; uwsgi_temp_path ${dir}; scgi_temp_path ${dir};
  server { listen 127.0.0.1:${port}; location / { return 200 "ok"; }
    location = ${NGINX_RPC_PATH} { default_type application/json; return 200 '${RPC_ANSWER}'; } } }\n`);
  const [cmd, args] = pinned(1, bin, ['-c', join(dir, 'nginx.conf'), '-p', dir]);
  const child = spawn(cmd, args, { stdio: 'ignore' });
  await waitForPort(port);
  return { name: 'nginx', url: `http://127.0.0.1:${port}/`, stop: stopper(child) };
}

/** A minimal node:http server in a child process (fallback target). */
export async function startNodeTarget(): Promise<BenchTarget> {
  const port = await freePort();
  const src = `require('http').createServer((q,s)=>{q.resume();s.end('ok')}).listen(${port},'127.0.0.1')`;
  const [cmd, args] = pinned(1, process.execPath, ['-e', src]);
  const child = spawn(cmd, args, { stdio: 'ignore' });
  await waitForPort(port);
  return { name: 'node:http', url: `http://127.0.0.1:${port}/`, stop: stopper(child) };
}

/** `node ARGS` pinned to core 1, a process that prints `listening on <url>`; resolves that url. */
async function startListening(args: string[]): Promise<{ url: string; child: ChildProcess }> {
  const [cmd, argv] = pinned(1, process.execPath, args);
  const child = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on ((?:http|ws):\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}`)));
  });
  return { url, child };
}

/** The bundled sim (compiled, as `agentload sim` runs it) as a child process pinned to core 1, rate limiting off (the generator, not the limiter, is measured). */
export async function startSimTarget(): Promise<BenchTarget> {
  const { url, child } = await startListening(['dist/sim/main.js', '--port', '0', '--config-json', '{"rateLimit":null}']);
  return { name: 'agentload sim (core 1)', url: `${url}/api/v1/jsonrpc`, stop: stopper(child) };
}

/** bench/ws-echo.mjs pinned to core 1: a `ws` server that echoes each message. */
export async function startWsEcho(): Promise<BenchTarget> {
  const { url, child } = await startListening(['bench/ws-echo.mjs']);
  return { name: 'ws echo server (core 1)', url: `${url}/`, stop: stopper(child) };
}
