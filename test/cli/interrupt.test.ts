import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAlive } from '../helpers/processes.ts';
import { scratchDir } from '../helpers/scratch-dir.ts';

const BIN = fileURLToPath(new URL('../../bin/agentload', import.meta.url));


test('Ctrl-C during a run against target: sim writes the results, exits 3 and leaves no sim behind', async () => {
  const dir = scratchDir('agentload-interrupt-');
  const plan = join(dir, 'plan.yml');
  const out = join(dir, 'run.json');
  writeFileSync(plan, `config:
  target: sim
  interval: 1s
  phases: [{ users: 5, spawnRate: 50, duration: 60s }]
scenarios:
  - name: s
    flow:
      - get: { url: /api/v1/health, name: health }
      - think: 20ms
`);
  const child = spawn(process.execPath, [BIN, 'run', plan, '--output', out], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
  child.stdout.resume();
  // Interrupt once the sim is up and a couple of intervals have passed.
  const started = Date.now();
  while (!/pid (\d+)/.test(err) && Date.now() - started < 20_000) await new Promise((r) => setTimeout(r, 100));
  const simPid = Number(/pid (\d+)/.exec(err)?.[1]);
  assert.ok(simPid > 0, `sim pid in: ${err}`);
  await new Promise((r) => setTimeout(r, 2500));
  child.kill('SIGINT');
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  assert.equal(code, 3);
  assert.ok(existsSync(out), 'results written');
  const result = JSON.parse(readFileSync(out, 'utf8')) as { isAborted: boolean; summary: { durationMs: number; overall: { count: number } } };
  assert.equal(result.isAborted, true);
  assert.ok(result.summary.durationMs < 60_000, 'stopped before the 60 s phase ended');
  assert.ok(result.summary.overall.count > 10, `measured ${result.summary.overall.count} requests`);
  assert.equal(isAlive(simPid), false, 'the sim child was stopped');
});
