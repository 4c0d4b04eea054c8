import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startWsServer } from '../helpers/ws-server.ts';

const run = promisify(execFile);
const CHILD = fileURLToPath(new URL('../helpers/ws-emfile-child.ts', import.meta.url));

test('hitting the open-file limit prints one line with the fix and counts emfile; the run completes', async (t) => {
  const srv = await startWsServer();
  t.after(() => srv.close());
  // Node lifts its soft limit to the hard one at startup, so the hard limit is what must be low.
  const { stdout, stderr } = await run('sh', ['-c', 'ulimit -n 200 && exec "$0" --import tsx "$1" "$2" 400', process.execPath, CHILD, srv.url], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)), timeout: 30_000,
  });
  const out = JSON.parse(stdout.trim().split('\n').pop()!) as { counters: Record<string, number>; peak: number; logs: string[] };
  const emfile = out.counters['ws_errors:emfile'] ?? 0;
  assert.ok(emfile > 0, `emfile failures counted: ${JSON.stringify(out.counters)} ${stderr}`);
  assert.equal(out.counters.ws_connections_opened! + emfile, 400, 'every connection either opened or failed with emfile');
  assert.equal(out.counters.ws_connections_completed, out.counters.ws_connections_opened, 'the connections that opened were held and closed normally');
  const lines = out.logs.filter((l) => l.includes('open-file limit'));
  assert.equal(lines.length, 1, out.logs.join('\n'));
  assert.match(lines[0]!, /ulimit -n \d+/);
  assert.match(lines[0]!, /open-file limit \(200\)/);
});
