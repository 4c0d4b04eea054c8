/**
 * Calls one processor function in whichever of Artillery's two styles it is
 * written, and reports its end exactly once:
 *
 *   callback style   fn(...args, next)   ends when next() or next(err) is called
 *   async style      fn(...args)         ends when the returned promise settles
 *
 * An `async function` is the async style (Artillery passes it no `next`). A
 * plain function gets `next`; if it returns a promise and never calls
 * `next`, the promise ends it instead, so `function (ctx, ee) { return
 * fetch(…) }` works as well. A synchronous throw is an error like next(err).
 * A second end (next called twice, or next and a rejection) is ignored: the
 * flow must resume once.
 */

/** A processor export: any function (its arity and style are found at call time). */
export type HookFunction = (...args: unknown[]) => unknown;

/** Receives the hook's end: null when it succeeded, else what it failed with. */
export type HookDone = (err: unknown) => void;

/** True for `async function` / `async () =>`: called without `next`, as Artillery does. */
export function isAsyncFunction(fn: HookFunction): boolean {
  return fn.constructor.name === 'AsyncFunction';
}

/** A falsy value passed to next() is success (next(), next(null), next(undefined)). */
function isFailure(err: unknown): boolean {
  return err !== undefined && err !== null && err !== false;
}

/** Normalises a rejection reason: `Promise.reject()` with nothing still fails, with a reason that says so. */
function reasonOf(err: unknown): unknown {
  return isFailure(err) ? err : new Error('the hook\'s promise was rejected without a reason');
}

/**
 * See the module comment. `args` are the hook's arguments without `next`;
 * `done` is called once, synchronously when the hook ended synchronously.
 */
export function callHook(fn: HookFunction, args: unknown[], done: HookDone): void {
  let isDone = false;
  const end = (err: unknown): void => {
    if (isDone) return;
    isDone = true;
    done(isFailure(err) ? err : null);
  };
  let result: unknown;
  try {
    result = isAsyncFunction(fn) ? fn(...args) : fn(...args, end);
  } catch (e) {
    return end(reasonOf(e));
  }
  if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
    (result as PromiseLike<unknown>).then(() => end(null), (e: unknown) => end(reasonOf(e)));
  } else if (isAsyncFunction(fn)) end(null);
}
