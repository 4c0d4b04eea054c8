/**
 * Issue 16 item 10: `--seed` / `config.seed` makes a run reproducible. Each
 * virtual user draws its scenario, think times and template helpers from a
 * stream derived from (seed, its id), so two runs with the same seed send
 * the same requests in the same order per user; another seed, other ones.
 * A run without a seed records the one it picked.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { okJson, startHttpServer } from '../helpers/servers.ts';
import { runInline } from '../helpers/run-inline.ts';

const scenarios = [
  { name: 'a', weight: 1, flow: [
    { post: { url: '/a/{{vu}}/{{randomInt 1 1000000}}', json: { vu: '{{vu}}', id: '{{uuid}}', s: '{{randomString 12}}', c: '{{randomChoice "x" "y" "z"}}', f: '{{randomFloat 0 1 6}}' } } },
    { think: { min: '1ms', max: '20ms' } },
    { get: { url: '/a/{{vu}}/again/{{randomInt 1 1000000}}' } },
  ] },
  { name: 'b', weight: 1, flow: [{ get: { url: '/b/{{vu}}/{{randomString 16}}' } }] },
];

/** What each user sent, in order: user id (from the url) → urls and bodies. */
async function sentPerVu(seed: number | undefined): Promise<{ perVu: Map<string, string[]>; seed: number | undefined }> {
  const srv = await startHttpServer(okJson);
  try {
    const r = await runInline({
      target: srv.url, ...(seed === undefined ? {} : { seed }),
      phases: [{ arrivalRate: 40, duration: 1, arrivalDistribution: 'poisson' }],
    }, scenarios);
    const perVu = new Map<string, string[]>();
    for (const q of srv.requests) {
      const vu = q.url.split('/')[2]!;
      perVu.set(vu, [...(perVu.get(vu) ?? []), `${q.method} ${q.url} ${q.body}`]);
    }
    return { perVu, seed: r.info.seed };
  } finally {
    await srv.close();
  }
}

test('the same seed sends the same requests per user; another seed does not', async () => {
  const one = await sentPerVu(42);
  const two = await sentPerVu(42);
  const other = await sentPerVu(43);
  assert.equal(one.seed, 42);
  assert.ok(one.perVu.size >= 20, `${one.perVu.size} users`);
  assert.deepEqual([...two.perVu.entries()].sort(), [...one.perVu.entries()].sort());
  const same = [...one.perVu.keys()].filter((vu) => JSON.stringify(other.perVu.get(vu)) === JSON.stringify(one.perVu.get(vu)));
  assert.ok(same.length < one.perVu.size / 2, `${same.length} of ${one.perVu.size} users sent the same with seed 43`);
});

test('a run without a seed records the one it picked, and replaying it sends the same', async () => {
  const first = await sentPerVu(undefined);
  assert.equal(typeof first.seed, 'number');
  const replay = await sentPerVu(first.seed);
  assert.deepEqual([...replay.perVu.entries()].sort(), [...first.perVu.entries()].sort());
});
