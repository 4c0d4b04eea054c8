/**
 * Artillery's ws request-response steps (issue 18): `send` with `payload`,
 * `capture` and `match`, and `wait`, against a WebSocket server on
 * 127.0.0.1. Plan: test/fixtures/artillery/ws-exchange.yml.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRecordingWsServer } from '../helpers/recording-ws-server.ts';
import { cli, tempDir } from '../cli/cli-fixture.ts';

const FIX = join(import.meta.dirname, '../fixtures/artillery');

test('ws: send with payload waits for the next message, captures from it and checks match (a list too); wait captures without sending', async (t) => {
  const { url, received } = await startRecordingWsServer(t, (text, ws) => {
    if (text.startsWith('{') && (JSON.parse(text) as { op?: string }).op === 'login') ws.send(JSON.stringify({ status: 'ok', token: `t-${(JSON.parse(text) as { user: string }).user}` }));
    else if (text.startsWith('ticket ')) ws.send(JSON.stringify({ status: 'pending' }));
    else if (text === 'push please') ws.send(JSON.stringify({ pushed: 'p-1' }));
  });
  const { dir, cleanup } = tempDir('ws-exchange');
  t.after(cleanup);
  const out = join(dir, 'r.json');
  const r = await cli(['run', join(FIX, 'ws-exchange.yml'), '-t', url, '-o', out, '--no-console', '--grace', '5s']);
  const result = JSON.parse(readFileSync(out, 'utf8'));
  // What each user sent: the login, the captured token, the push request, then the value wait captured.
  for (const u of ['u1', 'u2']) {
    assert.ok(received.includes(JSON.stringify({ op: 'login', user: u })), `login of ${u}`);
    assert.ok(received.includes(`ticket t-${u}`), `the token captured for ${u} was sent on`);
  }
  assert.equal(received.filter((m) => m === 'push please').length, 2);
  assert.deepEqual(received.filter((m) => m.includes('echo')).map((m) => JSON.parse(m)), [{ echo: 'p-1' }, { echo: 'p-1' }]);
  // Both matches held (a failing one ends the scenario: match-ends-scenario.test.ts).
  const failed = result.summary.byName.reduce((n: Record<string, number>, row: { outcomes: { failed?: Record<string, number> } }) => {
    for (const [k, v] of Object.entries(row.outcomes.failed ?? {})) n[k] = (n[k] ?? 0) + v;
    return n;
  }, {});
  assert.deepEqual(failed, {}, JSON.stringify(result.summary.byName.map((b: { name: string }) => b.name)));
  assert.equal(r.code === 3, false, r.err);
});
