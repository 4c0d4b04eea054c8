import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESULT_FORMAT } from '../../src/plugins/json-reporter.ts';
import { readResult, resultProblem } from '../../src/cli/read-result.ts';
import { decodeHistogram } from '../../src/engine/metrics/histogram.ts';
import { runFixture, startTarget, tempDir } from './report-fixture.ts';

const isNum = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);

function assertNameSummary(s: Record<string, any>, where: string): void {
  for (const k of ['count', 'ok', 'errors', 'expected', 'errorRate', 'rps']) assert.ok(isNum(s[k]), `${where}.${k}`);
  for (const k of ['min', 'mean', 'p50', 'p75', 'p90', 'p95', 'p99', 'p999', 'max']) assert.ok(isNum(s.latencyMs[k]), `${where}.latencyMs.${k}`);
  assert.equal(s.count, s.ok + s.errors + s.expected, where);
  assert.equal(typeof s.outcomes.failed, 'object');
  assert.equal(typeof s.outcomes.expected, 'object');
}

test('--output writes the whole result atomically, in the documented shape', async (t) => {
  const server = await startTarget();
  const tmp = tempDir('json');
  t.after(async () => { await server.close(); tmp.cleanup(); });
  const file = join(tmp.dir, 'results', 'run.json');
  const { result } = await runFixture(tmp.dir, server.url, { flags: { outputFile: file } });
  const doc = JSON.parse(readFileSync(file, 'utf8'));

  assert.equal(doc.format, RESULT_FORMAT);
  for (const k of ['expectations', 'format', 'generator', 'histograms', 'info', 'intervals', 'isAborted', 'saturation', 'summary']) assert.ok(k in doc, k);
  assert.equal(doc.generator.node, process.version);
  assert.match(doc.info.planDigest, /^[0-9a-f]{16}$/);
  assert.equal(doc.info.target, server.url);
  assert.deepEqual(doc.info.phases.map((p: { name: string }) => p.name), ['warm', 'main']);
  assert.equal(doc.info.plannedDurationMs, 1500);
  assertNameSummary(doc.summary.overall, 'summary.overall');
  doc.summary.byName.forEach((s: Record<string, unknown>, i: number) => assertNameSummary(s, `summary.byName[${i}]`));
  assert.equal(doc.summary.overall.count, 150);
  assert.equal(doc.summary.overall.expected, 50);
  assert.ok(doc.intervals.length >= 4);
  doc.intervals.forEach((s: Record<string, any>, i: number) => {
    assertNameSummary(s.overall, `intervals[${i}].overall`);
    assert.ok(s.endMs > s.startMs);
  });
  assert.equal(doc.intervals.reduce((n: number, s: any) => n + s.overall.count, 0), doc.summary.overall.count);
  assert.deepEqual(doc.expectations.map((e: { name: string; isPass: boolean }) => [e.name, e.isPass]),
    [['p95', true], ['maxErrors', false], ['outcome rate_limited', true]]);
  // Encoded histograms decode to the same counts (exact merges depend on it).
  assert.equal(decodeHistogram(doc.histograms['']).totalCount, doc.summary.overall.count);
  assert.equal(decodeHistogram(doc.histograms.ok).totalCount, 50);
  assert.deepEqual(JSON.parse(JSON.stringify(result)), Object.fromEntries(Object.entries(doc).filter(([k]) => k !== 'format' && k !== 'generator')));

  // The document reads back for report/compare.
  assert.equal(resultProblem(doc), null);
  assert.deepEqual(readResult(file).summary, doc.summary);
});
