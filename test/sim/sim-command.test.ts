import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { simCommand } from '../../src/sim/sim-command.ts';
import { SIM_MAIN_PATH, spawnSim } from '../../src/sim/spawn-sim.ts';
import { startTestSim } from './sim-helpers.ts';
import { isAlive } from '../helpers/processes.ts';

const TSX = import.meta.resolve('tsx');


/** What a rejected call threw, typed as the agentload error fields the tests read. */
async function rejection(p: Promise<unknown>): Promise<{ code: string; exitCode: number; message: string; format(): string }> {
  try {
    await p;
  } catch (err) {
    return err as { code: string; exitCode: number; message: string; format(): string };
  }
  throw new Error('expected a rejection');
}

async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  for (const end = Date.now() + timeoutMs; Date.now() < end; await sleep(50)) if (!isAlive(pid)) return true;
  return !isAlive(pid);
}

test('simCommand prints exactly one listening line, serves, and resolves 0 when stopped', async () => {
  const lines: string[] = [];
  const stop = new AbortController();
  const running = simCommand(['--port', '0', '--solve-scale', '0.01'], (line) => lines.push(line), { signal: stop.signal });
  while (lines.length === 0) await sleep(10);
  assert.equal(lines.length, 1);
  const m = /^agentload sim listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(lines[0]!);
  assert.ok(m, lines[0]);
  const health = await fetch(`${m[1]}/api/v1/health`);
  assert.equal(health.status, 200);
  stop.abort();
  assert.equal(await running, 0);
  await assert.rejects(fetch(`${m[1]}/api/v1/health`), 'closed after stop');
});

test('simCommand on a port in use throws AGENTLOAD_E_SIM_START with a one-line message', async (t) => {
  const taken = await startTestSim(t);
  const err = await rejection(simCommand(['--port', String(taken.port)], () => assert.fail('must not print')));
  assert.equal(err.code, 'AGENTLOAD_E_SIM_START');
  assert.equal(err.exitCode, 3);
  assert.equal(err.format(), `AGENTLOAD_E_SIM_START port ${taken.port} on 127.0.0.1 is in use`);
});

test('simCommand rejects bad flags and bad config files before listening', async (t) => {
  const usage = await rejection(simCommand(['--nope'], () => {}));
  assert.equal(usage.code, 'AGENTLOAD_E_USAGE');
  assert.equal(usage.exitCode, 2);
  const dir = await mkdtemp(join(tmpdir(), 'agentload-sim-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'sim.yml');
  await writeFile(file, 'port: 0\nerrorRate: 3\n');
  const bad = await rejection(simCommand(['--config', file], () => {}));
  assert.equal(bad.code, 'AGENTLOAD_E_SIM_CONFIG');
  assert.match(bad.format(), /sim\.yml:2:12 AGENTLOAD_E_SIM_CONFIG errorRate: expected a number from 0 to 1, got 3$/);
  const help: string[] = [];
  assert.equal(await simCommand(['--help'], (l) => help.push(l)), 0);
  assert.ok(help.some((l) => l.includes('--error-rate')));
});

test('the child entry prints one stdout line, and one stderr line with exit code 2 on a bad flag', async () => {
  const child = spawn(process.execPath, ['--import', TSX, SIM_MAIN_PATH, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (s: string) => { out += s; });
  while (!out.includes('\n')) await sleep(20);
  assert.match(out, /^agentload sim listening on http:\/\/127\.0\.0\.1:\d+\n$/);
  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  assert.equal(code, 0);
  assert.equal(out.split('\n').length, 2, 'nothing else on stdout');

  const bad = spawn(process.execPath, ['--import', TSX, SIM_MAIN_PATH, '--latency', 'fast'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  bad.stderr.setEncoding('utf8').on('data', (s: string) => { err += s; });
  const [badCode] = await once(bad, 'exit');
  assert.equal(badCode, 2);
  assert.equal(err, 'AGENTLOAD_E_SIM_CONFIG --latency: expected a duration like 5ms or a range like 5ms-20ms, got "fast"\n');
});

test('spawnSim starts a child from a config block and stops it', async () => {
  const sim = await spawnSim({ config: { auth: true, rateLimit: { burst: 5 } } });
  const res = await fetch(`${sim.url}/api/v1/jsonrpc`, { method: 'POST', body: '{"jsonrpc":"2.0","id":1,"method":"agent.register","params":{}}' });
  assert.equal(res.status, 401, 'the block reached the child');
  await sim.stop();
  assert.equal(isAlive(sim.pid), false);
  await sim.stop();
});

test('spawnSim reports config errors before spawning and start errors from the child', async (t) => {
  const bad = await rejection(spawnSim({ config: { errorRate: 9 }, source: 'plan.yml config.sim' }));
  assert.equal(bad.code, 'AGENTLOAD_E_SIM_CONFIG');
  assert.match(bad.message, /in plan\.yml config\.sim/);
  const taken = await startTestSim(t);
  const busy = await rejection(spawnSim({ config: { port: taken.port } }));
  assert.equal(busy.code, 'AGENTLOAD_E_SIM_START');
  assert.equal(busy.message, `port ${taken.port} on 127.0.0.1 is in use`);
});

test('a sim child does not outlive a parent killed with SIGKILL', async () => {
  const script = `import { spawnSim } from ${JSON.stringify(new URL('../../src/sim/spawn-sim.ts', import.meta.url).href)};
    const sim = await spawnSim(); console.log(sim.pid); setInterval(() => {}, 1000);`;
  const parent = spawn(process.execPath, ['--import', TSX, '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  parent.stdout.setEncoding('utf8').on('data', (s: string) => { out += s; });
  while (!out.includes('\n')) await sleep(20);
  const childPid = Number(out.trim());
  assert.ok(isAlive(childPid));
  parent.kill('SIGKILL');
  assert.ok(await waitGone(childPid, 5000), 'the sim child exited with its parent');
});
