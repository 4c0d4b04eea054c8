/**
 * `agentload sweep` (issue 21 item 4): the rates it tries, the verdict it
 * draws from stage rows, its flags, and one real sweep against the sim on
 * 127.0.0.1 whose SLO cannot hold, so it stops after its first stage.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { highestHeld, renderSweep, sweepRates, type SweepRow } from '../../src/cli/sweep-report.ts';
import { parseSweepArgs, sweepCommand } from '../../src/cli/sweep-command.ts';
import { startSim } from '../../src/sim/start-sim.ts';

const row = (ratePerSec: number, isHeld: boolean, isSaturated = false): SweepRow => ({
  ratePerSec, achievedPerSec: ratePerSec, p50Ms: 1, p95Ms: ratePerSec, p99Ms: 2 * ratePerSec, errorRate: 0,
  goodputPerSec: isHeld ? ratePerSec : 0, isHeld, isSaturated, failed: isHeld ? [] : ['ttft.p95'],
});

test('rates run from --from to --to by --step, inclusive', () => {
  assert.deepEqual(sweepRates(5, 25, 5), [5, 10, 15, 20, 25]);
  assert.deepEqual(sweepRates(1, 2, 0.5), [1, 1.5, 2]);
  assert.deepEqual(sweepRates(10, 12, 5), [10]);
});

test('the verdict is the last rate before the first failure or saturation', () => {
  assert.equal(highestHeld([row(5, true), row(10, true), row(15, false)]), 10);
  assert.equal(highestHeld([row(5, true), row(10, true, true)]), 5);
  assert.equal(highestHeld([row(5, false)]), null);
  const lines = renderSweep([row(5, true), row(10, false)], 20);
  assert.ok(lines.some((l) => l.includes('FAILED ttft.p95')));
  assert.ok(lines.some((l) => l.startsWith('highest rate that held every expectation: 5/s')));
  assert.ok(renderSweep([row(5, true), row(10, true)], 10).some((l) => l.includes('raise --to')));
});

test('flags: --to is required, --from may not exceed it, unknown flags are named; --help prints the usage', async () => {
  assert.throws(() => parseSweepArgs(['plan.yml']), (e: { code?: string; message: string }) => e.code === 'AGENTLOAD_E_USAGE' && e.message.includes('--to'));
  assert.throws(() => parseSweepArgs(['plan.yml', '--to', '5', '--from', '10']), { code: 'AGENTLOAD_E_USAGE' });
  assert.throws(() => parseSweepArgs(['plan.yml', '--to', '5', '--bogus']), (e: { message: string }) => e.message.includes('--bogus'));
  assert.throws(() => parseSweepArgs(['plan.yml', '--to', '1000', '--step', '1']), { code: 'AGENTLOAD_E_USAGE' });
  const a = parseSweepArgs(['plan.yml', '--to', '50', '--stage', '10s', '--var', 'k=v']);
  const out: string[] = [];
  assert.equal(await sweepCommand(['--help'], { out: (l) => out.push(l), err: () => {}, progress: null }), 0);
  assert.ok(out[0]?.startsWith('agentload sweep PLAN.yml --to RATE'));
  assert.equal(a.fromPerSec, 5);
  assert.equal(a.stageMs, 10_000);
  assert.deepEqual(a.overrides.vars, { k: 'v' });
});

test('a sweep whose SLO fails at the first rate stops there and exits 1, with the stage in its JSON output', async (t) => {
  const sim = await startSim({ port: 0 });
  const dir = mkdtempSync(join(tmpdir(), 'agentload-sweep-'));
  t.after(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const plan = join(dir, 'plan.yml');
  writeFileSync(plan, [
    'config:',
    '  target: http://127.0.0.1:1',
    '  phases: [{ duration: 1, arrivalRate: 1 }]',
    '  expect:',
    '    ttft.p95: 1ms',
    'scenarios:',
    '  - name: chat',
    '    flow:',
    '      - stream: { openai: true, name: chat, url: "/v1/chat/completions?ttft_ms=50&token_ms=5&tokens=3", json: { stream: true } }',
  ].join('\n'));
  const out: string[] = [];
  const err: string[] = [];
  const output = join(dir, 'sweep.json');
  const html = join(dir, 'sweep.html');
  const code = await sweepCommand([plan, '--target', sim.url, '--from', '2', '--to', '6', '--step', '2', '--stage', '1s', '--output', output, '--html', html],
    { out: (l) => out.push(l), err: (l) => err.push(l), progress: null });
  assert.equal(code, 1, out.join('\n'));
  const json = JSON.parse(readFileSync(output, 'utf8')) as { highestHeldPerSec: number | null; stages: SweepRow[] };
  assert.equal(json.highestHeldPerSec, null);
  assert.equal(json.stages.length, 1);
  assert.equal(json.stages[0]!.isHeld, false);
  assert.ok(json.stages[0]!.achievedPerSec > 0);
  assert.ok(out.some((l) => l === 'no rate tried held every expectation'), out.join('\n'));
  const page = readFileSync(html, 'utf8');
  assert.equal((page.match(/<svg /g) ?? []).length, 2);
  assert.match(page, /2\/s<\/text>/);
  assert.match(page, /No rate tried held every expectation/);
});
