import { test } from 'node:test';
import assert from 'node:assert/strict';
import { progressFields, progressLine } from '../../src/plugins/progress-line.ts';
import type { LiveStatus } from '../../src/engine/metrics/live-status.ts';

const status: LiveStatus = {
  elapsedMs: 12_400, plannedDurationMs: 60_000, phase: 'steady', users: 10, connections: 250,
  requests: 5_760, errors: 12, expected: 3, rps: 480.04, p95Ms: 3.214,
};

test('the progress line never exceeds the terminal width and drops the least useful fields first', () => {
  for (let columns = 20; columns <= 240; columns++) {
    const line = progressLine(status, columns);
    assert.ok([...line].length <= columns - 1, `${columns} columns: ${line}`);
    assert.match(line, /12s\/60s/, 'elapsed/planned is always shown');
  }
  const all = progressFields(status);
  assert.deepEqual(all, ['12s/60s', 'steady', '480.0 req/s', 'p95 3.21ms', 'errors 12 (0.2%)', 'users 10', 'expected 3', 'conns 250', '5760 requests']);
  const wide = progressLine(status, 200);
  assert.match(wide, /^\[█{6}░{24}\] 12s\/60s · steady · /, 'a 30-column bar a fifth full when there is room');
  assert.ok(wide.endsWith('5760 requests'));
  const narrow = progressLine(status, 60);
  assert.equal(narrow, '12s/60s · steady · 480.0 req/s · p95 3.21ms', 'no bar while a field is left out');
});

test('before any sample and after the last phase the line says so', () => {
  const start = progressLine({ ...status, elapsedMs: 0, requests: 0, errors: 0, expected: 0, rps: 0, p95Ms: null, connections: null }, 200);
  assert.match(start, /^\[░+\] 0s\/60s · steady · 0\.0 req\/s · p95 - · errors 0 · users 10 · 0 requests$/);
  assert.match(progressLine({ ...status, phase: null }, 200), / · finishing · /);
});
