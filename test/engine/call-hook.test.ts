/** callHook: Artillery's two calling styles, each ending exactly once (src/engine/processor/call-hook.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callHook, type HookFunction } from '../../src/engine/processor/call-hook.ts';

/** Calls `fn` and collects every end it reports, waiting a few turns so late ends would show. */
async function ends(fn: HookFunction): Promise<unknown[]> {
  const seen: unknown[] = [];
  callHook(fn, ['ctx', 'events'], (err) => seen.push(err));
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
  return seen;
}

test('callback style: next() and next(null) succeed, next(err) fails, a sync throw fails', async () => {
  assert.deepEqual(await ends((_c, _e, next) => (next as () => void)()), [null]);
  assert.deepEqual(await ends((_c, _e, next) => (next as (e: null) => void)(null)), [null]);
  const err = new Error('bad');
  assert.deepEqual(await ends((_c, _e, next) => (next as (e: Error) => void)(err)), [err]);
  const thrown = await ends(() => { throw err; });
  assert.deepEqual(thrown, [err]);
});

test('a second end is ignored: next twice, or next and a rejection', async () => {
  assert.deepEqual(await ends((_c, _e, next) => { (next as () => void)(); (next as (e: Error) => void)(new Error('late')); }), [null]);
  const err = new Error('first');
  assert.deepEqual(await ends((_c, _e, next) => { (next as (e: Error) => void)(err); return Promise.reject(new Error('second')); }), [err]);
});

test('async style: gets no next, ends when its promise settles', async () => {
  let args = -1;
  assert.deepEqual(await ends(async (...a: unknown[]) => { args = a.length; }), [null]);
  assert.equal(args, 2);
  const err = new Error('rejected');
  assert.deepEqual(await ends(async () => { throw err; }), [err]);
  const [noReason] = await ends(async () => { throw undefined; });
  assert.ok(noReason instanceof Error);
});

test('a plain function returning a promise, never calling next, ends with the promise', async () => {
  const seen: unknown[] = [];
  callHook(() => new Promise((r) => setTimeout(r, 5)), [], (e) => seen.push(e));
  await new Promise((r) => setTimeout(r, 30));
  assert.deepEqual(seen, [null]);
});
