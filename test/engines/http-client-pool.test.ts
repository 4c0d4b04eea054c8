import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from 'undici';
import { startHttpServer } from '../helpers/servers.ts';
import { ClientPool, type PooledRequest } from '../../src/engine/transport/client-pool.ts';
import { DeadlineHeap, type DeadlineItem } from '../../src/engine/deadline-heap.ts';
import { loadUndici } from '../../src/engine/transport/network-libraries.ts';

// Engines load undici in init(); this test drives the pool without an engine.
await loadUndici();

/** A request as the engine's exchange carries one: ends by timeout through undici's abort, or at once while waiting. */
class Req implements PooledRequest, DeadlineItem {
  flightSeq = 0;
  isExpired = false;
  heapIndex = -1;
  wakeMs = Infinity;
  client: Client | null = null;
  hasWaited = false;
  pool: ClientPool | null = null;
  ended: string | null = null;
  private abort: ((e: Error) => void) | null = null;
  onConnect(abort: (e: Error) => void): void { this.abort = abort; }
  onHeaders(): boolean { return true; }
  onData(): boolean { return true; }
  onComplete(): void { this.end('ok'); }
  onError(err: Error): void { this.end((err as { code?: string }).code ?? 'error'); }
  onUpgrade(): void {}
  onWake(): void {
    this.isExpired = true;
    if (this.abort !== null) this.abort(Object.assign(new Error('timeout'), { code: 'TIMEOUT' }));
    else if (this.client === null) this.onError(Object.assign(new Error('timeout'), { code: 'TIMEOUT' }));
  }
  private end(how: string): void {
    this.flightSeq = 0;
    this.ended = how;
    const lane = this.client;
    this.client = null;
    if (lane !== null) this.pool!.release(lane);
  }
}

const until = async (cond: () => boolean): Promise<void> => { for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 10)); };

async function setUp(t: import('node:test').TestContext) {
  const srv = await startHttpServer(() => { /* never answers */ });
  const pool = new ClientPool(srv.url, 1, 1, 30_000);
  let nowUs = 0;
  const deadlines = new DeadlineHeap(() => nowUs / 1000);
  t.after(async () => { deadlines.clear(); await pool.destroy(); await srv.close(); });
  // One connection; A takes it, B and C wait. Timeouts of 100 ms from 0, 0.5 and 1 ms.
  const reqs = [new Req(), new Req(), new Req()];
  for (const [i, r] of reqs.entries()) {
    nowUs = i * 500;
    r.flightSeq = i + 1;
    r.wakeMs = nowUs / 1000 + 100;
    deadlines.update(r);
    pool.dispatch({ path: `/${i}`, method: 'GET', headers: [], body: null, headersTimeout: 0, bodyTimeout: 0 }, r);
  }
  await until(() => srv.requests.length === 1);
  return { srv, deadlines, reqs, setNow: (us: number) => { nowUs = us; } };
}

test('requests that time out while waiting for a connection end there: the freed connection carries none of them', async (t) => {
  const { srv, deadlines, reqs, setNow } = await setUp(t);
  assert.equal(reqs[1]!.client, null, "B waits for the one connection");
  setNow(200_000);
  deadlines.wakeDue(); // A, B and C are all due: aborting A frees the lane, which must not take B or C
  await until(() => reqs.every((r) => r.ended !== null));
  await new Promise((r) => setTimeout(r, 100));
  assert.deepEqual(reqs.map((r) => r.ended), ['TIMEOUT', 'TIMEOUT', 'TIMEOUT']);
  assert.deepEqual(srv.requests.map((q) => q.url), ['/0']);
  // undici reconnects at once after an abort (the aborted request stays queued until the new socket skips it):
  // that is the second connection. Sending B and C only to abort them would open one more each.
  assert.equal(srv.connections.accepted, 2, 'no connection was opened for a request already out of time');
});

test('a waiting request that is not yet due takes the connection the expired one left', async (t) => {
  const { srv, deadlines, reqs, setNow } = await setUp(t);
  setNow(100_700); // A and B are due, C (due at 101 ms) is not
  deadlines.wakeDue();
  await until(() => srv.requests.length === 2);
  assert.deepEqual(reqs.map((r) => r.ended), ['TIMEOUT', 'TIMEOUT', null]);
  assert.deepEqual(srv.requests.map((q) => q.url), ['/0', '/2']);
  setNow(101_001);
  deadlines.wakeDue();
  await until(() => reqs[2]!.ended !== null);
  assert.equal(reqs[2]!.ended, 'TIMEOUT');
});
