/**
 * The compiled form (dist/, `npm run build`; `npm test` builds first): bin/agentload picks
 * it in an installed package, and in a git checkout only while its stamp is newer than every
 * source file; and a run in that form — no
 * loader registered up front — still starts worker threads and the sim child, and imports a
 * TypeScript plugin by registering tsx on demand.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.ts';

/** A tree shaped like the package: the real bin, a dist/ and a src/ entry that each say which they are. */
function fakeInstall(): string {
  const dir = mkdtempSync(join(tmpdir(), 'agentload-form-'));
  mkdirSync(join(dir, 'bin'));
  mkdirSync(join(dir, 'dist/cli'), { recursive: true });
  mkdirSync(join(dir, 'src/cli'), { recursive: true });
  cpSync(join(ROOT, 'bin/agentload'), join(dir, 'bin/agentload'));
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}\n');
  writeFileSync(join(dir, 'dist/cli/main.js'), 'export async function main(argv) { console.log("compiled " + argv.join(" ")); return 0; }\n');
  writeFileSync(join(dir, 'src/cli/main.ts'), 'export async function main(argv: string[]): Promise<number> { console.log("source " + argv.join(" ")); return 0; }\n');
  return dir;
}

function runBin(dir: string): string {
  const r = spawnSync(process.execPath, [join(dir, 'bin/agentload'), 'validate', 'x.yml'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

/** Sets a file's modification time to `secondsAgo` before now. */
function age(file: string, secondsAgo: number): void {
  const t = new Date(Date.now() - secondsAgo * 1000);
  utimesSync(file, t, t);
}

test('in a git checkout, bin/agentload runs dist/ while its build stamp is newer than every source file, else the source through tsx', (t) => {
  const dir = fakeInstall();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, '.git'));
  assert.equal(runBin(dir), 'source validate x.yml', 'no stamp: not built');

  writeFileSync(join(dir, 'dist/.build-stamp'), 'now\n');
  age(join(dir, 'src/cli/main.ts'), 60);
  assert.equal(runBin(dir), 'compiled validate x.yml');

  age(join(dir, 'dist/.build-stamp'), 120);
  assert.equal(runBin(dir), 'source validate x.yml', 'a source file edited after the build');
});

test('an installed package (no .git) runs its shipped build without comparing source times, and the source when it has no build', (t) => {
  const dir = fakeInstall();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.equal(runBin(dir), 'source validate x.yml', 'no stamp: not built');

  writeFileSync(join(dir, 'dist/.build-stamp'), 'now\n');
  age(join(dir, 'dist/.build-stamp'), 120);
  assert.equal(runBin(dir), 'compiled validate x.yml', 'source files newer than the stamp do not matter outside a checkout');
});

test('a run in the compiled form starts workers and the sim child, and imports TypeScript plugins on demand (reporter in the main thread, engine in the workers)', { timeout: 60_000 }, async (t) => {
  const stamp = join(ROOT, 'dist/.build-stamp');
  assert.ok(existsSync(stamp), 'dist/ is not built: run `npm run build` (npm test does it first)');
  const dir = mkdtempSync(join(tmpdir(), 'agentload-compiled-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const plan = join(dir, 'plan.yml');
  writeFileSync(plan, `config:
  target: sim
  phases: [{ duration: 2s, arrivalRate: 20 }]
  interval: 1s
  plugins:
    echo: { module: ${JSON.stringify(join(ROOT, 'examples/echo-engine.ts'))}, delayMs: 1 }
scenarios:
  - name: ping
    engine: tool-rpc
    flow:
      - call: { method: agent.ping, params: { agent_id: "a{{ vu }}" } }
  - name: say hello
    engine: echo
    flow:
      - echo: { message: "hello {{ vu }}", name: greet }
`);
  const counts = join(dir, 'counts.json');
  const out = join(dir, 'result.json');
  const argv = ['run', plan, '--workers', '2', '--oversubscribe', '--quiet', '--output', out, '--reporter', `./examples/count-reporter.ts:file=${counts}`];
  // What bin/agentload does with a fresh build: import dist/ with no loader registered.
  // (A file, not `-e`: worker threads inherit the flags, and --input-type fails in them.)
  const entry = join(dir, 'entry.mjs');
  writeFileSync(entry, `const { main } = await import(${JSON.stringify(join(ROOT, 'dist/cli/main.js'))});\nprocess.exitCode = await main(${JSON.stringify(argv)});\n`);
  const child = spawn(process.execPath, [entry], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => { err += d; });
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 0, err);

  const result = JSON.parse(readFileSync(out, 'utf8')) as { summary: { overall: { count: number; errors: number }; byName: Array<{ name: string; count: number }> } };
  assert.equal(result.summary.overall.count, 40, 'both workers served their half of 2 s × 20/s');
  assert.equal(result.summary.overall.errors, 0);
  const count = (name: string): number => result.summary.byName.find((x) => x.name === name)?.count ?? 0;
  assert.ok(count('agent.ping') > 0, 'tool-rpc calls reached the sim child');
  assert.ok(count('greet') > 0, 'the TypeScript engine ran in the workers');
  const report = JSON.parse(readFileSync(counts, 'utf8')) as { requests: number };
  assert.equal(report.requests, 40, 'the TypeScript reporter saw every request');
});

test('the build precompiles the plan validator for the schema it was built from, and it reports what the source compile reports', async () => {
  const generated = join(ROOT, 'dist/engine/plan/plan-validator.generated.cjs');
  assert.ok(existsSync(generated), 'dist/ is not built: run `npm run build` (npm test does it first)');
  const { buildPlanSchema, schemaDigest, newPlanAjv } = await import('../../src/engine/plan/plan-schema.ts');
  const schema = buildPlanSchema().schema;
  const { createRequire } = await import('node:module');
  const pre = createRequire(import.meta.url)(generated) as ((d: unknown) => boolean) & { digest: string; errors: unknown[] | null };
  assert.equal(pre.digest, schemaDigest(schema), 'the schema changed since the build');
  const fresh = newPlanAjv().compile(schema);
  const bad = { config: { target: 'http://127.0.0.1:1', phases: [{ duration: 1, arrivalRate: 'x' }] }, scenarios: [{ name: 'a', flow: [{ get: { url: '/', bogus: 1 } }] }] };
  assert.equal(pre(bad), false);
  assert.equal(fresh(bad), false);
  const paths = (errors: unknown[] | null | undefined) => (errors ?? []).map((e) => `${(e as { instancePath: string }).instancePath} ${(e as { keyword: string }).keyword}`).sort();
  assert.deepEqual(paths(pre.errors), paths(fresh.errors));
  assert.ok(paths(pre.errors).length > 0);
});
