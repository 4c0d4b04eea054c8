/**
 * Users are numbered by the plan's arrival sequence, not per process: with
 * --workers or --shard, `{{ vu }}` is never given twice, and `order: sequence`
 * hands each CSV row to one user, as a single process does. Numbered per
 * process, two workers both started at user 1 and row 1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHttpServer, okJson } from '../helpers/servers.ts';
import { agentload } from '../helpers/cli.ts';

const ROWS = 8;

function writePlan(dir: string, target: string): string {
  writeFileSync(join(dir, 'rows.csv'), Array.from({ length: ROWS }, (_, i) => `row${i + 1}`).join('\n') + '\n');
  const plan = join(dir, 'plan.yml');
  writeFileSync(plan, `config:
  target: ${target}
  phases: [{ duration: 1, arrivalCount: ${ROWS} }]
  payload:
    path: ./rows.csv
    fields: [row]
    order: sequence
scenarios:
  - flow:
      - get: { url: "/u/{{ vu }}/{{ row }}" }
`);
  return plan;
}

for (const [label, args] of [['--workers 2', [['--workers', '2']]], ['--shard 1/2 and 2/2', [['--shard', '1/2'], ['--shard', '2/2']]]] as const) {
  test(`${label}: every user number and every sequence row is used exactly once`, async (t) => {
    const srv = await startHttpServer(okJson);
    const dir = mkdtempSync(join(tmpdir(), 'agentload-vu-numbering-'));
    t.after(() => {
      srv.close();
      rmSync(dir, { recursive: true, force: true });
    });
    const plan = writePlan(dir, srv.url);
    for (const extra of args) {
      const r = await agentload(['run', plan, ...extra, '--no-console']);
      assert.equal(r.code, 0, r.out + r.err);
    }
    const paths = srv.requests.map((q) => q.url).filter((u) => u.startsWith('/u/'));
    assert.equal(paths.length, ROWS);
    const users = paths.map((u) => u.split('/')[2]).sort((a, b) => Number(a) - Number(b));
    assert.deepEqual(users, Array.from({ length: ROWS }, (_, i) => String(i + 1)), 'user numbers 1..8, once each');
    for (const u of paths) {
      const [, , vu, row] = u.split('/');
      assert.equal(row, `row${vu}`, `user n takes row n: ${u}`);
    }
  });
}
