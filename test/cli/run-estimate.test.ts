/**
 * Sizing a run (issue 23, item 5): what a plan asks for, read from the plan,
 * and the workers / shards it needs against a calibration file. Counts and
 * ratios only; the calibration figures are written by the test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';
import { calibrationPath, readCalibration, type Calibration } from '../../src/cli/calibration-file.ts';
import { sizePlan, sizingLines } from '../../src/cli/run-estimate.ts';
import { preparePlan } from '../../src/cli/prepare-plans.ts';
import { parseRunArgs } from '../../src/cli/run-args.ts';
import { cli, startTarget, tempDir } from './cli-fixture.ts';

function calibration(perCore: number): Calibration {
  return { version: 1, measuredAt: '2026-12-01T00:00:00.000Z', node: 'v20', cores: 2, arrivalsPerSecPerCore: perCore, cpuSecPer100k: 10 };
}

function writePlan(dir: string, name: string, phases: string, flow: string[], target = 'http://127.0.0.1:1'): string {
  const file = join(dir, name);
  writeFileSync(file, ['config:', `  target: ${target}`, '  grace: 1s', `  phases: [${phases}]`, 'scenarios:', '  - name: s', '    flow:', ...flow.map((l) => `      ${l}`), ''].join('\n'));
  return file;
}

async function compiled(file: string) {
  return (await preparePlan(file, parseRunArgs([file], 'validate'), { out: () => {}, err: () => {}, progress: null })).compiled;
}

const GET = '- get: { url: /x }';

test('1000 arrivals/s of one GET against 300/s per core needs 4 workers; on 2 cores that is 2 shards, on 8 cores one machine', async (t) => {
  const tmp = tempDir('estimate');
  t.after(() => tmp.cleanup());
  const plan = await compiled(writePlan(tmp.dir, 'p.yml', '{ duration: 10s, arrivalRate: 1000 }', [GET]));
  const two = sizePlan(plan, calibration(300), 2);
  assert.equal(two.demand.peakArrivalsPerSec, 1000);
  assert.equal(two.demand.peakRequestsPerSec, 1000);
  assert.equal(two.workersNeeded, 4);
  assert.equal(two.shardsNeeded, 2);
  assert.equal(sizePlan(plan, calibration(300), 8).shardsNeeded, 1);
  // A shard carries its slice: 1 of 4 shards needs 1 worker; 1 of 2 needs 2, which 2 cores give.
  assert.equal(sizePlan(plan, calibration(300), 2, 4).workersNeeded, 1);
  assert.equal(sizePlan(plan, calibration(300), 2, 2).shardsNeeded, 1);
  // On 1 core, 1 of 2 shards needs 2 workers: the plan needs 4 shards of that machine.
  const short = sizePlan(plan, calibration(300), 1, 2);
  assert.match(sizingLines(short, calibration(300), 'c.json', 1).join('\n'), /split the plan into 4 shards \(--shard i\/4\) instead of 2/);
  assert.equal(sizePlan(plan, null, 2).workersNeeded, null);
});

test('concurrent users follow Little\'s law over think times and loop counts, capped by maxVusers', async (t) => {
  const tmp = tempDir('estimate-vus');
  t.after(() => tmp.cleanup());
  // think 2 s, then 3 × (GET, think 1–3 s: mean 2 s) = 8 s per user and 3 requests.
  const flow = ['- think: 2s', '- loop:', `    - get: { url: /x }`, '    - think: { min: 1s, max: 3s }', '  count: 3'];
  const open = await compiled(writePlan(tmp.dir, 'a.yml', '{ duration: 5s, arrivalRate: 5, rampTo: 10 }', flow));
  const d = sizePlan(open, calibration(1000), 2).demand;
  assert.equal(d.peakArrivalsPerSec, 10);
  assert.equal(d.scenarioThinkSec, 8);
  assert.equal(d.peakVus, 80);
  assert.equal(d.isVusLowerBound, true);
  assert.equal(d.peakRequestsPerSec, 30);
  const capped = await compiled(writePlan(tmp.dir, 'b.yml', '{ duration: 5s, arrivalRate: 10, maxVusers: 50 }', flow));
  const c = sizePlan(capped, calibration(1000), 2).demand;
  assert.equal(c.peakVus, 50);
  assert.equal(c.isVusLowerBound, false);
  assert.equal(c.httpConnections, 128);
  const closed = await compiled(writePlan(tmp.dir, 'c.yml', '{ duration: 5s, users: 400, spawnRate: 100 }', flow));
  const u = sizePlan(closed, calibration(1000), 2).demand;
  assert.equal(u.peakVus, 400);
  assert.equal(u.peakRequestsPerSec, 150);
  assert.equal(u.httpConnections, 400);
});

test('what the plan cannot tell is said, not guessed: users with no think time, a loop over a list', async (t) => {
  const tmp = tempDir('estimate-unknown');
  t.after(() => tmp.cleanup());
  const cal = join(tmp.dir, 'cal.json');
  writeFileSync(cal, JSON.stringify(calibration(300)));
  const fast = writePlan(tmp.dir, 'fast.yml', '{ duration: 5s, users: 10 }', [GET]);
  const r = await cli(['validate', '--estimate', '--calibration', cal, fast]);
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /as fast as the target answers/);
  assert.match(r.out, /cannot be sized from the plan/);
  const over = writePlan(tmp.dir, 'over.yml', '{ duration: 5s, arrivalRate: 10 }', ['- loop:', '    - get: { url: "/x/{{ $loopElement }}" }', '  over: [a, b, c]']);
  const o = await cli(['run', '--dry-run', '--calibration', cal, over]);
  assert.equal(o.code, 0, o.err);
  assert.match(o.out, /scenario "s": a loop over a list \(counted once\)/);
  // No think time: concurrent users are the rate times a response time the plan cannot know.
  assert.match(o.out, /concurrent users = 10\/s × the response time, unknown before the run/);
});

test('run --dry-run prints the sizing and sends nothing; run warns before its first request when one machine is short', async (t) => {
  const tmp = tempDir('estimate-run');
  const target = await startTarget();
  t.after(async () => { await target.close(); tmp.cleanup(); });
  const cal = join(tmp.dir, 'cal.json');
  // 0.5 arrivals/s per core: 4 arrivals/s need 8 workers, more than any test machine offers from one process.
  writeFileSync(cal, JSON.stringify(calibration(0.5)));
  const plan = writePlan(tmp.dir, 'p.yml', '{ duration: 1s, arrivalRate: 4 }', [GET], target.url);
  const dry = await cli(['run', '--dry-run', '--calibration', cal, plan]);
  assert.equal(dry.code, 0, dry.err);
  assert.match(dry.out, /peak 4 arrivals\/s/);
  assert.match(dry.out, /needs 8 worker\(s\)/);
  assert.equal(target.requests.length, 0, 'a dry run sends nothing');

  const events: string[] = [];
  const before = target.requests.length;
  const code = await main(['run', '--calibration', cal, '--quiet', plan], {
    out: () => {}, err: (line) => events.push(`${target.requests.length - before} requests: ${line}`), progress: null,
  });
  assert.equal(code, 0);
  const warning = events.find((e) => / WARNING: /.test(e));
  assert.ok(warning !== undefined, events.join('\n'));
  assert.match(warning, /^0 requests: /, 'the warning comes before the first request');
  assert.ok(target.requests.length - before >= 1);
});

test('the calibration lives under XDG_CACHE_HOME (else ~/.cache), --calibration wins; a file that is not one is refused', (t) => {
  const tmp = tempDir('estimate-cal');
  t.after(() => tmp.cleanup());
  assert.equal(calibrationPath(null, { XDG_CACHE_HOME: '/x/cache' }), '/x/cache/agentload/calibration.json');
  assert.match(calibrationPath(null, {}), /\/\.cache\/agentload\/calibration\.json$/);
  assert.equal(calibrationPath('/y/c.json', { XDG_CACHE_HOME: '/x/cache' }), '/y/c.json');
  assert.equal(readCalibration(join(tmp.dir, 'none.json')), null);
  const bad = join(tmp.dir, 'bad.json');
  writeFileSync(bad, '{"arrivalsPerSecPerCore": -1}');
  assert.throws(() => readCalibration(bad), (e: { code?: string }) => e.code === 'AGENTLOAD_E_USAGE');
});
