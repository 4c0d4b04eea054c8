import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runFixture, startTarget, tempDir } from './report-fixture.ts';
import { csvRecords } from './parse-helpers.ts';
import type { IntervalSnapshot, Reporter } from '../../src/engine/contracts.ts';

/** Throws on its second interval; records which hooks ran. */
class ThrowingReporter implements Reporter {
  readonly id = 'boom';
  intervals = 0;
  hasEnded = false;
  onInterval(_s: IntervalSnapshot): void {
    if (++this.intervals === 2) throw new Error('boom in onInterval');
  }
  onEnd(): void {
    this.hasEnded = true;
  }
}

test('a reporter that throws mid-run is logged and disabled; the run and the other reporters go on', async (t) => {
  const server = await startTarget();
  const tmp = tempDir('faulty');
  t.after(async () => { await server.close(); tmp.cleanup(); });
  const boom = new ThrowingReporter();
  const json = join(tmp.dir, 'run.json');
  const prefix = join(tmp.dir, 'out');
  const html = join(tmp.dir, 'report.html');
  // The faulty reporter is called first, so the others run after it on every hook.
  const { result, logs } = await runFixture(tmp.dir, server.url, {
    flags: { outputFile: json, csvPrefix: prefix, htmlFile: html }, extra: [boom],
  });
  assert.deepEqual(logs.filter((l) => l.includes('boom')), ['reporter boom failed in onInterval and was disabled: boom in onInterval']);
  assert.equal(boom.intervals, 2, 'not called again after it threw');
  assert.equal(boom.hasEnded, false);
  assert.equal(result.summary.overall.count, 150, 'the run went on to the end');
  assert.equal(JSON.parse(readFileSync(json, 'utf8')).summary.overall.count, 150);
  assert.equal(csvRecords(readFileSync(`${prefix}_stats_history.csv`, 'utf8')).length, result.intervals.length);
  assert.ok(existsSync(html));
});
