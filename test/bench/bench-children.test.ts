/**
 * The bench's generator children (bench/gen-*.mjs, what `npm run bench` runs side by side) on a tiny
 * load against servers on 127.0.0.1: each prints its one JSON line with counts and CPU, and the tool-rpc
 * child sends autocannon's body (issue 23: the same JSON-RPC body, only the id differs). Counts only:
 * no rate or time is asserted. They run the compiled build (dist/), as the bench does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startHttpServer, okJson } from '../helpers/servers.ts';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../..', import.meta.url));

async function child(script: string, args: string[], env: Record<string, string> = {}): Promise<Record<string, number | boolean | null>> {
  const { stdout } = await run(process.execPath, [`bench/${script}`, ...args], { cwd: root, env: { ...process.env, ...env } });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, number | boolean | null>;
}

test('agentload closed loop, autocannon and the bare undici open loop each print their JSON line', async (t) => {
  const server = await startHttpServer(okJson, { record: false });
  t.after(() => server.close());
  const url = `${server.url}/`;
  const closed = await child('gen-agentload.mjs', [url, 'closed', '2', '1']);
  assert.ok((closed.count as number) > 0);
  assert.equal(closed.errors, 0);
  assert.equal(closed.rps, closed.count as number / 1);
  assert.ok((closed.cpuSec as number) > 0 && (closed.cpuSecPer100k as number) > 0);
  const open = await child('gen-agentload.mjs', [url, 'open', '50', '1'], { BENCH_WARMUP_S: '0.5' });
  assert.ok((open.count as number) > 0);
  assert.equal(open.errors, 0);
  assert.equal(typeof open.schedP99Ms, 'number');
  const ac = await child('gen-autocannon.mjs', [url, '2', '1']);
  assert.ok((ac.count as number) > 0);
  assert.equal(ac.errors, 0);
  const floor = await child('gen-undici-open.mjs', [url, '50', '1'], { BENCH_WARMUP_S: '0.5' });
  assert.ok((floor.arrivalsPerSec as number) > 0);
  assert.equal(floor.errors, 0);
  // Both open-model generators carry the health verdict the bench judges them by (issue 23), under the same rule.
  assert.equal(typeof open.saturated, 'boolean');
  assert.equal(typeof floor.saturated, 'boolean');
  assert.ok((floor.busiestPct as number) >= 0 && (floor.busiestPct as number) <= 100, String(floor.busiestPct));
});

test('the tool-rpc child sends autocannon\'s params and classifies every answer ok when its id matches', async (t) => {
  const bodies: unknown[] = [];
  const server = await startHttpServer((_req, res, body) => {
    const call = JSON.parse(body) as { id: unknown };
    if (bodies.length < 5) bodies.push(call);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ jsonrpc: '2.0', id: call.id, result: { status: 'ok' } }));
  }, { record: false });
  t.after(() => server.close());
  const rpc = await child('gen-agentload.mjs', [`${server.url}/api/v1/jsonrpc`, 'rpc', '2', '1']);
  assert.ok((rpc.count as number) > 0);
  assert.equal(rpc.errors, 0);
  assert.ok(bodies.length > 0);
  for (const b of bodies as Array<Record<string, unknown>>) {
    assert.deepEqual({ ...b, id: 0 }, { jsonrpc: '2.0', method: 'agent.ping', params: { agent_id: 'bench' }, id: 0 });
    assert.equal(typeof b.id, 'number');
  }
});

test('against a fixed answer with id 1: the tool-rpc child with BENCH_RPC_ID=1 and the bare undici POST loop send autocannon\'s body, and a wrong id fails', async (t) => {
  const ping = { jsonrpc: '2.0', id: 1, method: 'agent.ping', params: { agent_id: 'bench' } };
  const bodies: unknown[] = [];
  let answerId = 1;
  const server = await startHttpServer((_req, res, body) => {
    if (bodies.length < 20) bodies.push(JSON.parse(body));
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ jsonrpc: '2.0', result: { success: true }, id: answerId }));
  }, { record: false });
  t.after(() => server.close());
  const url = `${server.url}/api/v1/jsonrpc`;
  const rpc = await child('gen-agentload.mjs', [url, 'rpc', '2', '1'], { BENCH_RPC_ID: '1' });
  assert.ok((rpc.count as number) > 0);
  assert.equal(rpc.errors, 0);
  const bare = await child('gen-undici-post.mjs', [url, '2', '1', JSON.stringify(ping)]);
  assert.ok((bare.count as number) > 0);
  assert.equal(bare.errors, 0);
  assert.ok((bare.cpuSecPer100k as number) > 0);
  assert.ok(bodies.length > 0);
  for (const b of bodies) assert.deepEqual(b, ping);
  // The fixed id is still checked: an answer carrying another id is a failure, not a success.
  answerId = 2;
  const wrong = await child('gen-agentload.mjs', [url, 'rpc', '2', '1'], { BENCH_RPC_ID: '1' });
  assert.ok((wrong.count as number) > 0);
  assert.equal(wrong.errors, wrong.count);
});
