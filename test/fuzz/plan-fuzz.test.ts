/**
 * Issue 20: a seeded fuzz test of mutated plans. Every plan must end in exit
 * 0, 1 or 2 with a located message — never a stack trace, an abort, a hang
 * or a heap over the cap. Validation runs in a child with a heap cap (a crash
 * there is a failure naming its case); a few dozen tame mutants of the
 * runnable plan are then run for a second against a server on 127.0.0.1.
 *
 * Reproduce a failure with the seed it prints: AGENTLOAD_FUZZ_SEED=<seed>.
 * AGENTLOAD_FUZZ_CASES and AGENTLOAD_FUZZ_RUNS change the counts.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startHttpServer } from '../helpers/servers.ts';
import { mutatePlan } from '../helpers/plan-mutator.ts';
import { RUNNABLE_BASE } from './fuzz-bases.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SEED = Number(process.env.AGENTLOAD_FUZZ_SEED ?? 20_2026);
const CASES = Number(process.env.AGENTLOAD_FUZZ_CASES ?? 2000);
const RUNS = Number(process.env.AGENTLOAD_FUZZ_RUNS ?? 24);
/** Heap cap of every child, MB: a plan that needs more is a failure, not a slow pass. */
const HEAP_CAP_MB = 256;
/** Hang detectors, not performance bounds: generous enough for a loaded 2-core machine. */
const VALIDATE_BOX_MS = 15 * 60_000;
const RUN_BOX_MS = 120_000;

const dir = mkdtempSync(join(tmpdir(), 'agentload-fuzz-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Child { code: number | null; signal: string | null; out: string; err: string; isKilled: boolean }

function spawnBoxed(args: string[], boxMs: number): Promise<Child> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let isKilled = false;
    child.stdout.on('data', (d: Buffer) => { out += d; });
    child.stderr.on('data', (d: Buffer) => { err += d; });
    const timer = setTimeout(() => { isKilled = true; child.kill('SIGKILL'); }, boxMs);
    child.on('exit', (code, signal) => { clearTimeout(timer); resolve({ code, signal, out, err, isKilled }); });
  });
}

/** What to print when a case fails: how to reproduce it, and the plan. */
function reproduce(seed: number, file: string): string {
  let text = '';
  try { text = readFileSync(file, 'utf8').slice(0, 1500); } catch { /* the case never got written */ }
  return `\nreproduce with AGENTLOAD_FUZZ_SEED=${SEED} (this case's mutation seed: ${seed}); plan:\n${text}`;
}

test(`${CASES} mutated plans validate to exit 0 or 2 with a located message, under a ${HEAP_CAP_MB} MB heap (seed ${SEED})`, async () => {
  const r = await spawnBoxed([`--max-old-space-size=${HEAP_CAP_MB}`, '--import', 'tsx', 'test/fuzz/validate-child.ts', String(SEED), String(CASES), dir], VALIDATE_BOX_MS);
  const lines = r.out.trim().split('\n');
  const lastCase = Number(lines.filter((l) => l.startsWith('case ')).pop()?.slice(5) ?? -1);
  const where = reproduce(SEED + lastCase, join(dir, `case-${lastCase}.yml`));
  assert.ok(!r.isKilled, `hang: case ${lastCase} did not finish within the time box${where}`);
  assert.ok(r.signal === null && (r.code === 0 || r.code === 1), `the validating process died (exit ${r.code}, signal ${r.signal}) in case ${lastCase}: ${r.err.slice(-800)}${where}`);
  const problems = lines.filter((l) => l.startsWith('{"problem"')).map((l) => JSON.parse(l) as { problem: string; case: number; seed: number; output: string });
  const first = problems[0];
  assert.equal(problems.length, 0, first === undefined ? '' : `${problems.length} bad endings; first: ${first.problem} in case ${first.case}:\n${first.output}${reproduce(first.seed, join(dir, `case-${first.case}.yml`))}`);
  const summary = JSON.parse(lines[lines.length - 1]!) as { done: number; valid: number };
  assert.equal(summary.done, CASES);
  // Mutations that leave a plan valid must exist, or the test only proves that broken plans are broken.
  assert.ok(summary.valid > CASES / 20, `only ${summary.valid} of ${CASES} mutants were valid`);
});

test(`${RUNS} tame mutants of the runnable plan run to exit 0, 1 or 2, each time-boxed, under a ${HEAP_CAP_MB} MB heap (seed ${SEED})`, async (t) => {
  const srv = await startHttpServer((req, res, body) => {
    res.setHeader('content-type', 'application/json');
    if (req.url === '/rpc') {
      let id: unknown = null;
      try { id = (JSON.parse(body) as { id?: unknown }).id ?? null; } catch { /* not JSON: answer with id null */ }
      res.end(JSON.stringify({ jsonrpc: '2.0', id, result: { pong: true } }));
    } else res.end('{"ok":true}');
  }, { record: false });
  t.after(() => srv.close());
  const base = readFileSync(RUNNABLE_BASE, 'utf8');
  const cases = Array.from({ length: RUNS }, (_, i) => {
    const seed = SEED + 1_000_000 + i;
    const file = join(dir, `run-${i}.yml`);
    writeFileSync(file, mutatePlan(base, seed, true));
    return { seed, file };
  });
  const failures: string[] = [];
  const codes = new Map<number, number>();
  // Two at a time: the machine has two cores, and each run is a generator and its startup.
  for (let i = 0; i < cases.length; i += 2) {
    await Promise.all(cases.slice(i, i + 2).map(async ({ seed, file }) => {
      const r = await spawnBoxed([`--max-old-space-size=${HEAP_CAP_MB}`, 'bin/agentload', 'run', file, '--target', srv.url,
        '--duration', '1s', '--grace', '2s', '--no-console', '--quiet'], RUN_BOX_MS);
      const first = r.err.split('\n').find((l) => l.includes('AGENTLOAD_E_')) ?? '';
      let why = '';
      if (r.isKilled) why = 'hang';
      else if (r.code === null || r.code > 2) why = `exit ${r.code ?? r.signal}`;
      else if (r.code === 2 && !/^\S+:\d+:\d+ AGENTLOAD_E_|^AGENTLOAD_E_USAGE/.test(first)) why = 'not located';
      else if (/^\s+at .+:\d+:\d+\)?$/m.test(r.err)) why = 'stack trace';
      codes.set(r.code ?? -1, (codes.get(r.code ?? -1) ?? 0) + 1);
      if (why !== '') failures.push(`${why}: ${r.err.slice(0, 600)}${reproduce(seed, file)}`);
    }));
  }
  assert.deepEqual(failures, []);
  assert.ok((codes.get(0) ?? 0) + (codes.get(1) ?? 0) > 0, `some mutants must have run; exits: ${JSON.stringify([...codes])}`);
});
