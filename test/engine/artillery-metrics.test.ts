/**
 * Artillery's metric names read off a run summary (artillery-metrics.ts) and
 * conditions judged on them (ensure-condition.ts): a plan that mixes engines
 * counts only its HTTP names as http.*, causes map to Artillery's error codes,
 * a counter that never counted has no value, histograms read to one decimal.
 * Pure: summaries built here, no run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NameSummary, RunSummary } from '../../src/engine/contracts.ts';
import { readArtilleryMetric } from '../../src/engine/expect/artillery-metrics.ts';
import { compileCondition, conditionNames, evaluateCondition } from '../../src/engine/expect/ensure-condition.ts';
import type { EnsureFacts } from '../../src/engine/expect/expectation-types.ts';

function name(n: string, o: Partial<NameSummary> & { p95?: number; max?: number }): NameSummary {
  const max = o.max ?? 0;
  return {
    name: n, tags: o.tags ?? {}, count: o.count ?? 0, ok: o.ok ?? 0, errors: o.errors ?? 0, expected: 0, errorRate: 0, abandoned: o.abandoned ?? 0, rps: o.rps ?? 0,
    latencyMs: { min: max / 2, mean: max / 2, p50: max / 2, p75: max, p90: max, p95: o.p95 ?? max, p99: max, p999: max, max },
    statuses: o.statuses ?? {}, outcomes: o.outcomes ?? { ok: 0, failed: {}, expected: {} },
  };
}

const summary: RunSummary = {
  durationMs: 2000,
  overall: name('', { count: 9, max: 40 }),
  byName: [
    name('GET /a', { count: 4, abandoned: 1, max: 12.345, p95: 12.04, statuses: { 200: 3, 500: 1 } }),
    name('POST /b', { count: 2, max: 30.06, statuses: { 201: 1 }, outcomes: { ok: 0, failed: { timeout: 1, capture: 1 }, expected: {} } }),
    name('emit chat', { count: 3, max: 40 }),
    name('basket', { count: 2, max: 7.003, tags: { custom: 'histogram' } }),
  ],
  counters: { vusers_created: 5, vusers_completed: 4, vusers_failed: 0, 'shop.orders': 2, 'errors.E_MINE': 1, 'vusers_created:Get a page': 5 },
  gaugePeaks: {},
};
const mixed: EnsureFacts = { httpNames: ['GET /a', 'POST /b'], socketioNames: ['emit chat'] };

test('http.* reads only the HTTP names of a plan that mixes engines; socketio.* the socketio ones', () => {
  assert.equal(readArtilleryMetric('http.requests', summary, mixed), 7, 'sent: answered, failed and cut off');
  assert.equal(readArtilleryMetric('http.responses', summary, mixed), 5);
  assert.equal(readArtilleryMetric('http.codes.500', summary, mixed), 1);
  assert.equal(readArtilleryMetric('http.response_time.max', summary, mixed), 30.1, 'one decimal, as Artillery');
  assert.equal(readArtilleryMetric('http.response_time.p95', summary, mixed), 30.1, 'the worst HTTP name');
  assert.equal(readArtilleryMetric('http.response_time.count', summary, mixed), 5);
  assert.equal(readArtilleryMetric('http.request_rate', summary, mixed), 4, '7 over 2 s, rounded');
  assert.equal(readArtilleryMetric('socketio.emit', summary, mixed), 3);
  assert.equal(readArtilleryMetric('socketio.response_time.max', summary, mixed), 40);
  // Every name is HTTP: the overall figures.
  assert.equal(readArtilleryMetric('http.response_time.max', summary, { httpNames: null, socketioNames: [] }), 40);
});

test('counters: users, per scenario, errors by Artillery code, a processor\'s own; one that never counted has no value', () => {
  assert.equal(readArtilleryMetric('vusers.created', summary, mixed), 5);
  assert.equal(readArtilleryMetric('vusers.failed', summary, mixed), 0, 'users finished: it has a value, 0');
  assert.equal(readArtilleryMetric('vusers.created_by_name.Get a page', summary, mixed), 5);
  assert.equal(readArtilleryMetric('errors.ETIMEDOUT', summary, mixed), 1);
  assert.equal(readArtilleryMetric('errors.Failed capture or match', summary, mixed), 1);
  assert.equal(readArtilleryMetric('errors.E_MINE', summary, mixed), 1);
  assert.equal(readArtilleryMetric('shop.orders', summary, mixed), 2);
  assert.equal(readArtilleryMetric('basket.max', summary, mixed), 7);
  assert.equal(readArtilleryMetric('basket.count', summary, mixed), 2);
  for (const n of ['http.codes.404', 'errors.ECONNREFUSED', 'vusers.skipped', 'plugins.expect.failed', 'stats.errors.count', 'http.downloaded_bytes', 'basket.p42']) {
    assert.equal(readArtilleryMetric(n, summary, mixed), undefined, n);
  }
});

test('a condition: holds, fails on its value, or fails "no samples" naming what had none; names are read out of the text', () => {
  assert.deepEqual(conditionNames(`'vusers.created_by_name.Get a page' >= 1e1 and max(http.codes.200, 0) == 3 or x in (1, 2) and "s" == "s"`), ['vusers.created_by_name.Get a page', 'http.codes.200', 'x']);
  const fail = (p: string, m: string): never => assert.fail(`${p}: ${m}`);
  const judge = (expression: string) => evaluateCondition({ ...compileCondition(expression, 'c', fail), ensure: { expression, names: conditionNames(expression), facts: mixed } }, summary);
  assert.equal(judge("'vusers.created_by_name.Get a page' == 5 and (vusers.created - vusers.completed) / vusers.created * 100 <= 20").isPass, true);
  const v = judge('http.codes.200 > 3');
  assert.equal(v.isPass, false);
  assert.equal(v.measured, 'http.codes.200 = 3');
  const none = judge('http.codes.200 == 3 or http.codes.404 == 0');
  assert.equal(none.isPass, false);
  assert.match(none.reason ?? '', /^no samples: the run has no value for http\.codes\.404 \(a counter has a value only once/);
  assert.throws(() => compileCondition('http.codes.200 >', 'c', (p, m) => { throw new Error(`${p} ${m}`); }), /^Error: c cannot read the expression/);
  assert.throws(() => compileCondition('1 == 1', 'c', (p, m) => { throw new Error(`${p} ${m}`); }), /reads no metric/);
});
