/**
 * Issue 16, item 9: a report that cannot be written fails the run (exit 3,
 * AGENTLOAD_E_REPORT_WRITE) with one line naming the path, and the other
 * reports are still written. The unwritable path sits under a regular file
 * (ENOTDIR), which no user, root included, can create.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentload } from '../helpers/cli.ts';
import { okJson, startHttpServer } from '../helpers/servers.ts';
import { scratchDir } from '../helpers/scratch-dir.ts';

async function setup(t: { after: (fn: () => Promise<void>) => void }): Promise<{ dir: string; plan: string; blocker: string }> {
  const srv = await startHttpServer(okJson);
  t.after(() => srv.close());
  const dir = scratchDir('agentload-report-write-');
  const plan = join(dir, 'plan.yml');
  writeFileSync(plan, [
    'config:',
    `  target: ${srv.url}`,
    '  phases: [{ duration: 1s, arrivalCount: 3 }]',
    'scenarios:',
    '  - name: s',
    '    flow:',
    '      - get: { url: /health, name: health }',
    '',
  ].join('\n'));
  const blocker = join(dir, 'a-file');
  writeFileSync(blocker, 'not a directory');
  return { dir, plan, blocker };
}

test('--output under a regular file: exit 3, one line naming the path; the CSV reports are written', async (t) => {
  const { dir, plan, blocker } = await setup(t);
  const bad = join(blocker, 'x.json');
  const r = await agentload(['run', plan, '--output', bad, '--csv', join(dir, 'ok')]);
  assert.equal(r.code, 3, r.out + r.err);
  const lines = r.err.split('\n').filter((l) => l.includes(bad));
  assert.equal(lines.length, 1, r.err);
  assert.match(lines[0]!, /AGENTLOAD_E_REPORT_WRITE/);
  assert.doesNotMatch(r.err, /\.tmp/, 'the temp file is not what the user asked for');
  for (const suffix of ['_stats.csv', '_stats_history.csv', '_failures.csv']) assert.ok(existsSync(join(dir, `ok${suffix}`)), suffix);
  assert.ok(!existsSync(`${bad}.${process.pid}.tmp`));
});

test('--html and --junit that cannot be written: a line each, exit 3, and the JSON is written', async (t) => {
  const { dir, plan, blocker } = await setup(t);
  const html = join(blocker, 'report.html');
  const junit = join(blocker, 'junit.xml');
  const json = join(dir, 'run.json');
  const r = await agentload(['run', plan, '--html', html, '--junit', junit, '--output', json]);
  assert.equal(r.code, 3, r.out + r.err);
  assert.equal(r.err.split('\n').filter((l) => l.includes('AGENTLOAD_E_REPORT_WRITE') && l.includes(html)).length, 1, r.err);
  assert.equal(r.err.split('\n').filter((l) => l.includes('AGENTLOAD_E_REPORT_WRITE') && l.includes(junit)).length, 1, r.err);
  assert.ok(existsSync(json));
});
