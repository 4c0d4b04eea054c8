import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeHistogram, encodeHistogram, newHistogram, recordUs } from '../../src/engine/metrics/histogram.ts';
import { HISTORY_COLUMNS, historyRows } from '../../src/plugins/csv/locust-rows.ts';
import { keyOf } from '../../src/engine/metrics/hdr-sink.ts';
import { runFixture, startTarget, tempDir } from './report-fixture.ts';
import { csvRecords, parseCsv } from './parse-helpers.ts';
import type { TestServer } from '../helpers/servers.ts';
import type { IntervalSnapshot, NameSummary, RunResult } from '../../src/engine/contracts.ts';

// Locust's StatsCSV columns, copied from locust/stats.py (requests_csv_columns, stats_history_csv_columns, failures_columns).
const LOCUST_PERCENTILES = ['50%', '66%', '75%', '80%', '90%', '95%', '98%', '99%', '99.9%', '99.99%', '100%'];
const LOCUST_STATS = ['Type', 'Name', 'Request Count', 'Failure Count', 'Median Response Time', 'Average Response Time',
  'Min Response Time', 'Max Response Time', 'Average Content Size', 'Requests/s', 'Failures/s', ...LOCUST_PERCENTILES];
const LOCUST_HISTORY = ['Timestamp', 'User Count', 'Type', 'Name', 'Requests/s', 'Failures/s', ...LOCUST_PERCENTILES,
  'Total Request Count', 'Total Failure Count', 'Total Median Response Time', 'Total Average Response Time',
  'Total Min Response Time', 'Total Max Response Time', 'Total Average Content Size'];
const LOCUST_FAILURES = ['Method', 'Name', 'Error', 'Occurrences'];

let server: TestServer;
let tmp: { dir: string; cleanup: () => void };
let result: RunResult;
let prefix: string;
const read = (suffix: string): string => readFileSync(`${prefix}_${suffix}.csv`, 'utf8');

before(async () => {
  server = await startTarget();
  tmp = tempDir('csv');
  prefix = join(tmp.dir, 'out', 'run');
  ({ result } = await runFixture(tmp.dir, server.url, { flags: { csvPrefix: prefix } }));
});
after(async () => {
  await server.close();
  tmp.cleanup();
});

function byName(name: string): NameSummary {
  return result.summary.byName.find((s) => s.name === name)!;
}

test('the three files carry Locust\'s exact headers', () => {
  assert.deepEqual(parseCsv(read('stats'))[0], LOCUST_STATS);
  assert.deepEqual(parseCsv(read('stats_history'))[0], LOCUST_HISTORY);
  assert.deepEqual(parseCsv(read('failures'))[0], LOCUST_FAILURES);
});

test('stats.csv: one row per request name plus Aggregated, with the run\'s numbers', () => {
  const rows = csvRecords(read('stats'));
  assert.deepEqual(rows.map((r) => r.Name), ['fail', 'limited', 'ok', 'Aggregated']);
  const seconds = result.summary.durationMs / 1000;
  for (const row of rows) {
    const s = row.Name === 'Aggregated' ? result.summary.overall : byName(row.Name!);
    assert.equal(Number(row['Request Count']), s.count, row.Name);
    assert.equal(Number(row['Failure Count']), s.errors, row.Name);
    assert.equal(Number(row['Median Response Time']), Math.trunc(s.latencyMs.p50));
    assert.ok(Math.abs(Number(row['Average Response Time']) - s.latencyMs.mean) < 0.001);
    assert.ok(Math.abs(Number(row['Max Response Time']) - s.latencyMs.max) < 0.001);
    assert.ok(Math.abs(Number(row['Requests/s']) - s.count / seconds) < 1e-5);
    assert.ok(Math.abs(Number(row['Failures/s']) - s.errors / seconds) < 1e-5);
    assert.equal(row['Average Content Size'], 'N/A');
    // Percentiles come from the exact HDR histogram, truncated to whole ms like Locust's int().
    const h = decodeHistogram(result.histograms[row.Name === 'Aggregated' ? '' : keyOf(s.name, s.tags)]!);
    const expected = [50, 66, 75, 80, 90, 95, 98, 99, 99.9, 99.99, 100].map((p) => Math.trunc(h.getValueAtPercentile(p) / 1000));
    assert.deepEqual(LOCUST_PERCENTILES.map((c) => Number(row[c])), expected, row.Name);
    assert.equal(Number(row['95%']), Math.trunc(s.latencyMs.p95));
  }
  // 429s are an expected outcome, not failures; 503s are.
  assert.equal(rows.find((r) => r.Name === 'limited')!['Failure Count'], '0');
  assert.equal(rows.find((r) => r.Name === 'fail')!['Failure Count'], String(byName('fail').count));
  assert.equal(rows.at(-1)!.Type, '');
});

test('stats_history.csv: one Aggregated row per interval; totals accumulate to the summary', () => {
  const rows = csvRecords(read('stats_history'));
  assert.equal(rows.length, result.intervals.length);
  assert.ok(rows.length >= 4, `only ${rows.length} intervals`);
  const startedS = Date.parse(result.info.startedAt) / 1000;
  let cumulative = 0;
  rows.forEach((row, k) => {
    const snap = result.intervals[k]!;
    cumulative += snap.overall.count;
    assert.equal(row.Name, 'Aggregated');
    assert.equal(Number(row.Timestamp), Math.floor(startedS + snap.endMs / 1000));
    assert.equal(Number(row['User Count']), snap.gauges.vusers_active ?? 0);
    const seconds = (snap.endMs - snap.startMs) / 1000;
    assert.ok(Math.abs(Number(row['Requests/s']) - snap.overall.count / seconds) < 1e-5);
    assert.match(row['Requests/s']!, /^\d+\.\d{6}$/);
    assert.equal(Number(row['Total Request Count']), cumulative);
    if (snap.overall.count > 0) {
      assert.equal(Number(row['95%']), Math.trunc(snap.overall.latencyMs.p95));
      assert.equal(row['66%'], 'N/A');
    }
    assert.equal(row['Total Median Response Time'], 'N/A');
  });
  const last = rows.at(-1)!;
  assert.equal(Number(last['Total Request Count']), result.summary.overall.count);
  assert.equal(Number(last['Total Failure Count']), result.summary.overall.errors);
  assert.ok(Math.abs(Number(last['Total Max Response Time']) - result.summary.overall.latencyMs.max) < 0.001);
});

test('failures.csv: one row per name and failure reason', () => {
  const rows = csvRecords(read('failures'));
  assert.deepEqual(rows, [{ Method: '', Name: 'fail', Error: 'http_503', Occurrences: String(byName('fail').outcomes.failed.http_503) }]);
  assert.equal(byName('fail').outcomes.failed.http_503, byName('fail').count);
});

test('history rows use interval histograms when the run kept them: every percentile and the cumulative median', () => {
  const hist = (valuesMs: number[]): string => {
    const h = newHistogram();
    for (const v of valuesMs) recordUs(h, v * 1000);
    return encodeHistogram(h);
  };
  const snap = (startMs: number, valuesMs: number[], withHistograms: boolean): IntervalSnapshot => {
    const base = result.intervals[0]!;
    return {
      ...base, startMs, endMs: startMs + 1000, byName: [],
      overall: { ...base.overall, count: valuesMs.length, errors: 0 },
      ...(withHistograms ? { histograms: { '': hist(valuesMs) } } : {}),
    } as IntervalSnapshot;
  };
  const values1 = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100 ms
  const values2 = Array.from({ length: 100 }, (_, i) => 101 + i); // 101..200 ms
  const rows = historyRows([snap(0, values1, true), snap(1000, values2, true)], 0, false).slice(1);
  const header = HISTORY_COLUMNS;
  const at = (row: Array<string | number>, col: string) => row[header.indexOf(col)];
  assert.equal(at(rows[0]!, '66%'), 66);
  assert.equal(at(rows[0]!, '99.99%'), 100);
  assert.equal(at(rows[1]!, '50%'), 150);
  assert.equal(at(rows[0]!, 'Total Median Response Time'), 50);
  assert.equal(at(rows[1]!, 'Total Median Response Time'), 100, 'median of 1..200');
  const mixed = historyRows([snap(0, values1, true), snap(1000, values2, false)], 0, false).slice(1);
  assert.equal(at(mixed[1]!, 'Total Median Response Time'), 'N/A', 'not exact once an interval lacks its histogram');
});
