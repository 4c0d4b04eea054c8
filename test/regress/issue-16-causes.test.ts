/**
 * Issue 16, item 8: every failure says its cause. A response that is not
 * valid HTTP is `bad_response` whatever llhttp's HPE_* detail (raw net servers
 * on 127.0.0.1 sending garbage); an expectation key that is not a metric is a
 * plan error at its line:col, including the names every JavaScript object
 * inherits, which used to be dropped without a word.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { agentload } from '../helpers/cli.ts';
import { runInline } from '../helpers/run-inline.ts';
import { scratchDir } from '../helpers/scratch-dir.ts';

/** A TCP server that answers every request with `reply` and closes. */
async function garbageServer(reply: string): Promise<{ url: string; server: Server }> {
  const server = createServer((socket) => {
    socket.on('error', () => {});
    socket.once('data', () => socket.end(reply));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const GARBAGE: Record<string, string> = {
  'not HTTP at all': 'SSH-2.0-OpenSSH_9.6\r\n\r\n',
  'a status line that is not one': 'HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n',
  'a header with a space in its name': 'HTTP/1.1 200 OK\r\nBad Header: x\r\nContent-Length: 0\r\n\r\n',
  'a chunk size that is not hex': 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n',
};

for (const [what, reply] of Object.entries(GARBAGE)) {
  test(`an invalid HTTP response (${what}) is counted as bad_response`, async (t) => {
    const { url, server } = await garbageServer(reply);
    t.after(() => new Promise<void>((r) => server.close(() => r())));
    const r = await runInline({ target: url, phases: [{ arrivalCount: 2, duration: 0.1 }] }, [{ name: 's', flow: [{ get: { url: '/', name: 'x' } }] }]);
    const x = r.summary.byName.find((n) => n.name === 'x')!;
    assert.deepEqual(x.outcomes.failed, { bad_response: 2 });
  });
}

function planWith(dir: string, expectLines: string[]): string {
  const file = join(dir, 'plan.yml');
  writeFileSync(file, [
    'config:',
    '  target: http://127.0.0.1:9',
    '  phases: [{ duration: 1s, arrivalRate: 1 }]',
    '  expect:',
    '    p95: 100ms',
    ...expectLines.map((l) => `    ${l}`),
    'scenarios:',
    '  - name: s',
    '    flow:',
    '      - get: { url: /health, name: health }',
    '',
  ].join('\n'));
  return file;
}

/** Line 6 is the first line after `p95`; `col` is where the key starts. */
for (const [line, path] of [
  ['toString: 5', 'config.expect.toString'],
  ['constructor: 5', 'config.expect.constructor'],
  ['__proto__: 5', 'config.expect.__proto__'],
  ['hasOwnProperty: 5', 'config.expect.hasOwnProperty'],
  ['counters: { toString: 0 }', 'config.expect.counters.toString'],
  ['counters: { arrivals_droped: 0 }', 'config.expect.counters.arrivals_droped'],
  ['peaks: { constructor: 5 }', 'config.expect.peaks.constructor'],
  ['ws: { toString: 5 }', 'config.expect.ws.toString'],
  ['byName: { health: { valueOf: 5 } }', 'config.expect.byName.health.valueOf'],
] as const) {
  test(`validate rejects the expectation key ${path} with its line:col`, async () => {
    const dir = scratchDir('agentload-keys-');
    const file = planWith(dir, [line]);
    const r = await agentload(['validate', file]);
    assert.equal(r.code, 2, r.out + r.err);
    const m = new RegExp(`^${file.replaceAll(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:6:(\\d+) AGENTLOAD_E_PLAN_EXPECT ${path.replaceAll('.', '\\.')}:`, 'm').exec(r.err);
    assert.ok(m, r.err);
  });
}

test('a known counter, a ws error family and a gauge peak still validate', async () => {
  const dir = scratchDir('agentload-keys-');
  const r = await agentload(['validate', planWith(dir, ['counters: { arrivals_dropped: 0, "ws_errors:emfile": 0 }', 'peaks: { vusers_active: ">= 1" }'])]);
  assert.equal(r.code, 0, r.err);
});
