import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';
import { changeOf } from '../../src/cli/compare-results.ts';
import { parseLimits } from '../../src/cli/compare-command.ts';
import { runFixture, startTarget, tempDir } from './report-fixture.ts';
import type { RunResult } from '../../src/engine/contracts.ts';

let tmp: { dir: string; cleanup: () => void };
let baseline: string;
let result: RunResult;
let live: { prefix: string; html: string; junit: string };

before(async () => {
  const server = await startTarget();
  tmp = tempDir('compare');
  baseline = join(tmp.dir, 'baseline.json');
  live = { prefix: join(tmp.dir, 'live'), html: join(tmp.dir, 'live.html'), junit: join(tmp.dir, 'live.xml') };
  ({ result } = await runFixture(tmp.dir, server.url, {
    flags: { outputFile: baseline, csvPrefix: live.prefix, htmlFile: live.html, junitFile: live.junit },
  }));
  await server.close();
});
after(() => tmp.cleanup());

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t), progress: null });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** Writes a copy of the baseline document with `edit` applied. */
function variant(name: string, edit: (doc: any) => void): string {
  const doc = JSON.parse(readFileSync(baseline, 'utf8'));
  edit(doc);
  const file = join(tmp.dir, name);
  writeFileSync(file, JSON.stringify(doc));
  return file;
}

test('report renders the same CSV and JUnit files from the saved JSON as the live run wrote', async () => {
  const prefix = join(tmp.dir, 'again');
  const html = join(tmp.dir, 'again.html');
  const junit = join(tmp.dir, 'again.xml');
  const r = await cli(['report', baseline, '--csv', prefix, '--html', html, '--junit', junit]);
  assert.equal(r.code, 0, r.err);
  for (const suffix of ['stats', 'stats_history', 'failures']) {
    assert.equal(readFileSync(`${prefix}_${suffix}.csv`, 'utf8'), readFileSync(`${live.prefix}_${suffix}.csv`, 'utf8'), suffix);
  }
  assert.equal(readFileSync(junit, 'utf8'), readFileSync(live.junit, 'utf8'));
  assert.equal(readFileSync(html, 'utf8'), readFileSync(live.html, 'utf8'));
  assert.match(r.out, /wrote .*again_stats\.csv/);
  const summary = await cli(['report', baseline]);
  assert.equal(summary.code, 0);
  assert.match(summary.out, /^agentload: finished in/);
  assert.match(summary.out, /FAIL {2}maxErrors {2}50 \(limit <= 0\)/);
});

test('compare: identical results exit 0; a synthetic p95 regression exits 1 with the row marked', async () => {
  const same = await cli(['compare', baseline, baseline]);
  assert.equal(same.code, 0, same.out + same.err);
  assert.match(same.out, /no regression beyond the limits/);

  const slower = variant('slower.json', (doc) => {
    doc.summary.byName.find((s: any) => s.name === 'ok').latencyMs.p95 *= 1.5;
  });
  const r = await cli(['compare', baseline, slower, '--max-regression', '10%']);
  assert.equal(r.code, 1, r.out);
  const rows = r.out.split('\n').filter((l) => l.includes('REGRESSION'));
  assert.equal(rows.length, 1, r.out);
  assert.match(rows[0]!, /^ok\s+p95\s+.*slower by 50\.0%\s+10%\s+REGRESSION$/);
  assert.match((await cli(['compare', slower, baseline])).out, /^ok\s+p95\s+.*faster by 33\.3%\s+10%\s+ok$/m);
  // A bare number is a percentage: 5 is 5 %, so the 50 % slowdown still fails; 60 lets it pass.
  assert.equal((await cli(['compare', baseline, slower, '--max-regression', '5'])).code, 1);
  assert.equal((await cli(['compare', baseline, slower, '--max-regression', '60'])).code, 0);
  assert.match(r.out, /1 regression\(s\)/);

  assert.equal((await cli(['compare', baseline, slower, '--max-regression', '60%'])).code, 0);
  assert.equal((await cli(['compare', baseline, slower, '--max-regression', '10%,p95=60%'])).code, 0);
  assert.equal((await cli(['compare', baseline, slower, '--metrics', 'rps,errorRate'])).code, 0);
  // Faster is never a regression.
  assert.equal((await cli(['compare', slower, baseline])).code, 0);
});

test('compare: throughput drops and error-rate rises are regressions too', async () => {
  const fewer = variant('fewer.json', (doc) => { doc.summary.overall.rps *= 0.8; });
  const r = await cli(['compare', baseline, fewer]);
  assert.equal(r.code, 1);
  assert.match(r.out, /all requests\s+rps\s+.*fewer req\/s by 20\.0%\s+10%\s+REGRESSION/);
  assert.equal(changeOf('errorRate', 0, 0.0005), 0.5, 'a zero baseline divides by the 0.1 % floor');
  assert.equal(changeOf('rps', 100, 120), -0.2);
  assert.deepEqual(parseLimits('5%,rps=20%'), { fallback: 0.05, byMetric: { rps: 0.2 } });
  assert.deepEqual(parseLimits('5,p95=2.5'), { fallback: 0.05, byMetric: { p95: 0.025 } });
});

test('report and compare reject unreadable or foreign input with AGENTLOAD_E_REPORT_INPUT (exit 2)', async () => {
  const foreign = join(tmp.dir, 'foreign.json');
  writeFileSync(foreign, JSON.stringify({ stats: [{ name: 'x', num_requests: 1 }] }));
  const corrupt = join(tmp.dir, 'corrupt.json');
  writeFileSync(corrupt, readFileSync(baseline, 'utf8').slice(0, 200));
  const future = variant('future.json', (doc) => { doc.format = 'agentload-result/9'; });
  const gutted = variant('gutted.json', (doc) => { delete doc.summary; });
  const cases: Array<[string[], RegExp]> = [
    [['compare', baseline, foreign], /foreign\.json: not an agentload result: expected "format": "agentload-result\/1", got null/],
    [['compare', corrupt, baseline], /corrupt\.json: not valid JSON/],
    [['compare', baseline, join(tmp.dir, 'missing.json')], /missing\.json: no such file/],
    [['report', future], /format agentload-result\/9 is not supported/],
    [['report', gutted, '--html', join(tmp.dir, 'x.html')], /summary is missing/],
  ];
  for (const [args, message] of cases) {
    const r = await cli(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.err.split('\n')[0]!, /^AGENTLOAD_E_REPORT_INPUT /);
    assert.match(r.err, message);
  }
  for (const args of [['compare', baseline], ['compare', baseline, baseline, '--metrics', 'p42'], ['compare', baseline, baseline, '--max-regression', 'lots'], ['report']]) {
    const r = await cli(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.err, /^AGENTLOAD_E_USAGE /);
  }
  assert.equal(result.summary.overall.count, 150);
});
