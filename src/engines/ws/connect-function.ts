/**
 * A ws `connect` with a processor `function` (Artillery's `connect:
 * {function: name}`). Artillery's ws engine calls it as `fn(params, context,
 * next)` before it opens the connection, with `params = {target,
 * subprotocols, options}` (the URL, the offered subprotocols, the ws client
 * options with their `headers`), then connects with whatever the function
 * left in them: a token appended to `target`, a header added, a subprotocol
 * offered.
 *
 * As processor hooks elsewhere, the function may call `next()` or return a
 * promise (an `async` function); whichever ends first counts, once. An error
 * (`next(err)`, a throw, a rejection) is the processor's failure: counted in
 * `processor_errors`, and the user's scenario ends without connecting, as
 * Artillery ends it.
 */
import type { ClientOptions } from 'ws';
import type { StepFunction, VirtualUser } from '../../engine/contracts.ts';

/** What the connection is opened with once the function is done. */
export interface ConnectArgs {
  readonly url: string;
  readonly subprotocols: readonly string[];
  readonly options: ClientOptions;
}

/** The object the function sees and changes (Artillery's `wsArgs`). */
interface FunctionParams {
  target: unknown;
  subprotocols: unknown;
  options: unknown;
}

/**
 * Calls `fn` (see the module comment); `done` gets the arguments to connect
 * with, or null when the function failed (already counted, and the user's
 * scenario ended: the caller only resumes the user). Called once.
 */
export function callConnectFunction(
  fn: StepFunction, vu: VirtualUser, url: string, subprotocols: readonly string[], options: ClientOptions,
  done: (args: ConnectArgs | null) => void,
): void {
  const { headers, ...rest } = options;
  // A copy of what the function may change: the run's shared options object stays as it is.
  const params: FunctionParams = { target: url, subprotocols: [...subprotocols], options: { ...rest, headers: { ...(headers ?? {}) } } };
  let isDone = false;
  const end = (err: unknown): void => {
    if (isDone) return;
    isDone = true;
    if (err !== undefined && err !== null && err !== false) {
      fn.fail(vu, err);
      return done(null);
    }
    done(argsOf(params, options));
  };
  let result: unknown;
  try {
    result = fn.fn(params, fn.contextOf(vu), end);
  } catch (e) {
    return end(e ?? new Error(`connect function ${fn.name} threw`));
  }
  if (result !== null && typeof result === 'object' && typeof (result as PromiseLike<unknown>).then === 'function') {
    (result as PromiseLike<unknown>).then(() => end(null), (e: unknown) => end(e ?? new Error(`connect function ${fn.name} was rejected`)));
  }
}

/** The function's results: what it set wins; options it left out keep the run's (TLS, limits, DNS). */
function argsOf(p: FunctionParams, base: ClientOptions): ConnectArgs {
  const set = p.options !== null && typeof p.options === 'object' ? (p.options as ClientOptions) : {};
  const subprotocols = Array.isArray(p.subprotocols) ? p.subprotocols.map(String) : typeof p.subprotocols === 'string' ? [p.subprotocols] : [];
  return { url: String(p.target), subprotocols, options: { ...base, ...set } };
}
