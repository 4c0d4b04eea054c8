/**
 * Issue 16, item 7: a run in which not one request reached the target exits 3
 * with AGENTLOAD_E_TARGET_UNREACHABLE, naming the target and the first error,
 * and its reports are still written. A host name that does not resolve is
 * counted as `dns`. Only 127.0.0.1 and the reserved `.invalid` TLD (RFC 2606)
 * are used; the assertions are on codes and counts, never on timings.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentload } from '../helpers/cli.ts';
import { closedPort, okJson, startHttpServer } from '../helpers/servers.ts';
import { scratchDir } from '../helpers/scratch-dir.ts';

function plan(dir: string, target: string, name = 'plan.yml'): string {
  const file = join(dir, name);
  writeFileSync(file, [
    'config:',
    `  target: ${target}`,
    '  phases: [{ duration: 1s, arrivalCount: 3 }]',
    '  grace: 5s',
    '  http: { timeout: 20s }',
    'scenarios:',
    '  - name: s',
    '    flow:',
    '      - get: { url: /health, name: health }',
    '',
  ].join('\n'));
  return file;
}

test('refused throughout: exit 3, AGENTLOAD_E_TARGET_UNREACHABLE naming the target and econnrefused; the JSON is written', async () => {
  const dir = scratchDir('agentload-unreachable-');
  const target = `http://127.0.0.1:${await closedPort()}`;
  const out = join(dir, 'run.json');
  const r = await agentload(['run', plan(dir, target), '--output', out]);
  assert.equal(r.code, 3, r.err);
  const line = r.err.split('\n').find((l) => l.includes('AGENTLOAD_E_TARGET_UNREACHABLE'));
  assert.ok(line, r.err);
  assert.ok(line.includes(target), line);
  assert.match(line, /econnrefused/);
  const result = JSON.parse(readFileSync(out, 'utf8'));
  assert.equal(result.summary.overall.outcomes.failed.econnrefused, 3);
});

test('a host name that does not resolve is counted as dns, and the run exits 3', async () => {
  const dir = scratchDir('agentload-unreachable-');
  const out = join(dir, 'run.json');
  const r = await agentload(['run', plan(dir, 'http://agentload-test.invalid:8080'), '--output', out]);
  assert.equal(r.code, 3, r.err);
  assert.match(r.err, /AGENTLOAD_E_TARGET_UNREACHABLE .*agentload-test\.invalid.*dns/);
  const result = JSON.parse(readFileSync(out, 'utf8'));
  assert.deepEqual(result.summary.overall.outcomes.failed, { dns: 3 });
});

test('one request that reached the target is enough: a reachable target is not flagged', async (t) => {
  const srv = await startHttpServer(okJson);
  t.after(() => srv.close());
  const dir = scratchDir('agentload-unreachable-');
  const r = await agentload(['run', plan(dir, srv.url), '--quiet']);
  assert.equal(r.code, 0, r.err);
  assert.doesNotMatch(r.err, /AGENTLOAD_E_TARGET_UNREACHABLE/);
});
