/**
 * Issue 20, items 4 and 7: a Ctrl-C (to the whole process group, as a
 * terminal sends it) stops the run gracefully, with the bundled sim still
 * answering until the end; a second one exits at once with 3, never 130; the
 * JSON on disk is always valid; a sim that dies mid-run is reported.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/agentload', import.meta.url));

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

function start(args: string[]): { child: ChildProcess; err: () => string; exit: Promise<{ code: number | null; signal: string | null }> } {
  // detached: its own process group, so the test can signal the group as a terminal does.
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  child.stdout!.resume();
  const exit = new Promise<{ code: number | null; signal: string | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  return { child, err: () => err, exit };
}

async function waitFor(what: () => boolean, label: string): Promise<void> {
  while (!what()) {
    await new Promise((r) => setTimeout(r, 100));
    if (!what() && label === '') break;
  }
}

/** `latencyMs`: how long the sim takes per answer (a graceful stop waits for the requests in flight). */
function simPlan(dir: string, latencyMs = 0): string {
  const plan = join(dir, 'plan.yml');
  const sim = latencyMs > 0 ? `  sim: { latency: { fixedMs: ${latencyMs} } }\n` : '';
  writeFileSync(plan, `config:\n  target: sim\n  interval: 1s\n${sim}  phases: [{ users: 5, spawnRate: 50, duration: 60s }]\n` +
    'scenarios:\n  - name: s\n    flow:\n      - get: { url: /api/v1/health, name: health }\n      - think: 20ms\n');
  return plan;
}

test('Ctrl-C to the process group: the sim keeps answering through the graceful stop, exit 3, valid JSON', async () => {
  const dir = tempDir('agentload-sig-');
  const out = join(dir, 'run.json');
  const r = start(['run', simPlan(dir), '--output', out]);
  await waitFor(() => /pid \d+/.test(r.err()), 'sim started');
  await new Promise((res) => setTimeout(res, 1500));
  process.kill(-r.child.pid!, 'SIGINT');
  const { code } = await r.exit;
  assert.equal(code, 3, r.err());
  const result = JSON.parse(readFileSync(out, 'utf8')) as { isAborted: boolean; summary: { overall: { ok: number; outcomes: { failed: Record<string, number> } } } };
  assert.equal(result.isAborted, true);
  assert.ok(result.summary.overall.ok > 10);
  assert.deepEqual(result.summary.overall.outcomes.failed, {}, 'no request failed because the sim died first');
});

test('a second Ctrl-C exits at once with 3, not 130, and leaves no broken JSON', async () => {
  const dir = tempDir('agentload-sig2-');
  const out = join(dir, 'run.json');
  // Answers take 4 s: the graceful stop after the first Ctrl-C is still waiting for them when the second comes.
  const r = start(['run', simPlan(dir, 4000), '--output', out, '--grace', '30s']);
  await waitFor(() => /pid \d+/.test(r.err()), 'sim started');
  await new Promise((res) => setTimeout(res, 1000));
  process.kill(r.child.pid!, 'SIGINT');
  await waitFor(() => r.err().includes('interrupted'), 'first signal seen');
  process.kill(r.child.pid!, 'SIGINT');
  const { code, signal } = await r.exit;
  assert.deepEqual([code, signal], [3, null], r.err());
  if (existsSync(out)) JSON.parse(readFileSync(out, 'utf8'));
});

/** CPU time a process has used, in clock ticks (utime + stime of /proc/PID/stat), or null once it is gone. */
function cpuTicks(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

// Loading is synchronous, so the signal is handled once it ends: 0 if the plan was valid by then, else 3; never 130.
// The signal goes when the child has used 150 ms of CPU (node's start and bin's signal handlers are behind it, and a
// 40 000-step plan takes several times that to validate), not after a wall-clock wait, which a fast validate outran.
test('a Ctrl-C before any command handles it (a big plan still loading) ends with an exit code, not death by SIGINT', async () => {
  const dir = tempDir('agentload-sig3-');
  const plan = join(dir, 'big.yml');
  let text = 'config:\n  target: http://127.0.0.1:9\n  phases: [{ duration: 1, arrivalRate: 1 }]\nscenarios:\n  - name: s\n    flow:\n';
  for (let i = 0; i < 40_000; i++) text += `      - get: { url: /a${i}, name: n${i} }\n`;
  writeFileSync(plan, text);
  const r = start(['validate', plan]);
  let exited = false;
  void r.exit.then(() => { exited = true; });
  for (let ticks = cpuTicks(r.child.pid!); !exited && (ticks ?? 0) < 15; ticks = cpuTicks(r.child.pid!)) await new Promise((res) => setTimeout(res, 5));
  assert.ok(!exited, `validate ended before it had used 150 ms of CPU, so no signal reached it while loading: ${r.err()}`);
  process.kill(r.child.pid!, 'SIGINT');
  const { code, signal } = await r.exit;
  assert.equal(signal, null);
  assert.ok(code === 0 || code === 3, `exit ${code}`);
});

test('the bundled sim dying mid-run is reported on its own line', async () => {
  const dir = tempDir('agentload-sig4-');
  const r = start(['run', simPlan(dir), '--duration', '4s', '--grace', '1s']);
  await waitFor(() => /pid \d+/.test(r.err()), 'sim started');
  const simPid = Number(/pid (\d+)/.exec(r.err())![1]);
  await new Promise((res) => setTimeout(res, 1000));
  process.kill(simPid, 'SIGKILL');
  const { code } = await r.exit;
  assert.ok(code === 0 || code === 1, `exit ${code}: ${r.err()}`);
  assert.match(r.err(), /the bundled sim exited during the run \(SIGKILL\)/);
});
